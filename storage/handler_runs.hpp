// Run records of outside handlers (http, exec): one per (event, handler).
#pragma once

#include <chrono>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace pqxx {
class connection_base;
class transaction_base;
}  // namespace pqxx

namespace webhookd {

/// Creates pending runs for `handlers` (existing ones are kept: a retried
/// event does not re-run handlers that succeeded) and marks the event's
/// in-database work done, all in `tx`.
void CreateRuns(pqxx::transaction_base& tx, const std::string& event_id, const std::vector<std::string>& handlers);

struct ClaimedRun {
  std::string event_id;
  std::string handler;
  int attempts = 0;  ///< failed attempts so far
  std::string verified_body;
};

/// Claims up to `limit` due runs of `handlers` (the enabled ones) under a lease.
std::vector<ClaimedRun> ClaimRuns(pqxx::connection_base& connection, std::string_view owner, int limit,
                                  std::chrono::seconds lease, const std::vector<std::string>& handlers);

/// A run succeeded. When it was the event's last open run, the event is
/// processed; returns true then.
bool RecordRunSuccess(pqxx::connection_base& connection, std::string_view owner, const ClaimedRun& run);

/// A run failed: due again after `delay`, or dead (and its event dead).
void RecordRunFailure(pqxx::connection_base& connection, std::string_view owner, const ClaimedRun& run,
                      const std::string& error, std::chrono::milliseconds delay, bool dead);

/// Extends to `lease` from now the leases that each owner (the key) still
/// holds on its run: a run whose lease another worker took over, or that
/// was recorded or given back meanwhile, is left alone.
void RenewRuns(pqxx::connection_base& connection, const std::map<std::string, ClaimedRun>& runs_by_owner,
               std::chrono::seconds lease);

/// Gives a claimed run back without counting an attempt.
void ReleaseRun(pqxx::connection_base& connection, std::string_view owner, const ClaimedRun& run);

/// Runs that wait for a handler no longer in the config can never run: they
/// are marked dead (with their events) so that nothing waits for them and
/// operators see them. Returns how many.
int AbandonRunsOfRemovedHandlers(pqxx::connection_base& connection, const std::vector<std::string>& configured);


}  // namespace webhookd
