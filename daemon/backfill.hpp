// --backfill: walk PayPro's events list and record what never arrived.
#pragma once

#include <atomic>
#include <map>
#include <optional>
#include <string>

#include "config/config.hpp"
#include "core/result.hpp"
#include "paypro/api_call_stats.hpp"

namespace webhookd {

struct BackfillOptions {
  std::optional<std::string> since;  ///< RFC 3339; default: the checkpoint minus 10 minutes
  std::optional<std::string> until;  ///< RFC 3339; events newer than this are left alone
  bool dry_run = false;              ///< count what would be recorded, change nothing
  bool show_progress = false;        ///< a live line on a terminal instead of a log line per page
  std::string name = "manual";       ///< whose progress and checkpoint ("reconcile" for the daemon's own)
  ApiCallStats* api_stats = nullptr; ///< counts the walk's API calls when set
};

struct BackfillSummary {
  bool complete = false;
  int pages = 0;
  int64_t seen = 0;       ///< events listed within the bounds
  int64_t inserted = 0;   ///< new: never arrived by webhook (with --dry-run: would be new)
  int64_t completed = 0;  ///< arrived by webhook but were stuck unverified
  int64_t known = 0;      ///< already verified or further
  std::string oldest;     ///< created_at of the oldest event seen
  std::string newest;
  std::map<std::string, int64_t> types;  ///< new events by type
  double seconds = 0;
  bool resumed = false;   ///< continued an interrupted walk
};

/// Walks GET /events from the newest page towards older ones until the stop
/// point, fetching the next page while the previous one is stored. Each page
/// is recorded in one transaction with the walk's progress, so an
/// interrupted walk resumes without reprocessing or skipping. Recorded
/// events are held back until the walk completes, then released oldest
/// first to the processors, so a resource's events keep PayPro's order.
/// Stops with an error on 401/403, a malformed page (nothing of it
/// recorded), or when `stop` is set; retries 429 (honouring Retry-After),
/// 5xx and timeouts with backoff.
Result<BackfillSummary> RunBackfill(const Config& config, const BackfillOptions& options,
                                    const std::atomic<bool>& stop);

/// The summary as one line for people and as JSON.
std::string SummaryLine(const BackfillSummary& summary, bool dry_run);
std::string SummaryJson(const BackfillSummary& summary, bool dry_run);

}  // namespace webhookd
