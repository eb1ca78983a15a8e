// PostgreSQL side of --backfill: recording listed events, progress, the lock.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "paypro/events_page.hpp"

namespace pqxx {
class connection_base;
}

namespace webhookd {

/// Where an unfinished walk stopped.
struct BackfillProgress {
  std::optional<std::string> checkpoint;  ///< RFC 3339, from the last completed walk
  std::optional<std::string> run_key;     ///< bounds of the unfinished walk
  std::optional<std::string> next_target; ///< where it continues
  std::optional<std::string> newest;      ///< newest event time it has seen
  int pages = 0;
};

struct PageCounts {
  int inserted = 0;   ///< events the database did not have
  int completed = 0;  ///< events that arrived by webhook but were never verified
  int known = 0;      ///< events already verified or further
};

/// Takes the session-level advisory lock that allows one walk per database,
/// manual or the daemon's reconcile pass (walks release every held event
/// when they finish, so they must not overlap); false when another holds it.
bool TryLockBackfill(pqxx::connection_base& connection);

BackfillProgress LoadBackfillProgress(pqxx::connection_base& connection, const std::string& name);

/// In one transaction: records the page's events as verified (source
/// backfill), held back from processing until the walk completes; completes
/// events stuck unverified; and stores where the walk continues.
PageCounts RecordBackfillPage(pqxx::connection_base& connection, const std::string& name, const std::string& run_key,
                              const std::vector<ListedEvent>& events, const std::optional<std::string>& next_target,
                              int pages);

/// Ends the walk: moves the checkpoint to the newest event it saw and
/// releases the held events, oldest first, to the processors.
void FinishBackfill(pqxx::connection_base& connection, const std::string& name);

/// The ids among `ids` that are stored already (for --dry-run).
std::vector<std::string> StoredEventIds(pqxx::connection_base& connection, const std::vector<std::string>& ids);

/// Events held by unfinished walks (a daemon warns about them at start).
int HeldBackfillEvents(pqxx::connection_base& connection);

}  // namespace webhookd
