// The inbox's backlog and event counts for /metrics, read through partial indexes.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

namespace pqxx {
class connection_base;
}

namespace webhookd {

/// Event states the sampler counts. Processed events are left out on
/// purpose: they accumulate without bound and no index makes counting them
/// cheap (paypro_webhookd_events_processed_total counts them instead).
inline constexpr std::array<std::string_view, 5> kSampledStates = {"received", "verified", "failed", "rejected",
                                                                   "dead"};

/// One reading of the inbox.
struct BacklogSample {
  std::array<int64_t, kSampledStates.size()> events{};  ///< by state, in kSampledStates order
  int64_t unverified = 0;           ///< received, not yet verified (or rejected)
  double oldest_unverified_s = 0;   ///< seconds since the oldest of them was received; 0 when none
  int64_t unprocessed = 0;          ///< verified, handlers not all done (states verified and failed)
  double oldest_unprocessed_s = 0;  ///< seconds since the oldest of them was verified; 0 when none
};

/// Reads the sample in one statement, in a read-only transaction that keeps
/// the planner to index scans (see backlog_query.cpp). The open states go
/// through the partial index paypro_events_open_by_resource, rejected and dead
/// through paypro_events_finished_badly, so the cost follows the backlog, not
/// the table. Throws pqxx exceptions (the caller keeps its last sample).
BacklogSample ReadBacklog(pqxx::connection_base& connection);

/// PostgreSQL's plan for ReadBacklog's statement, with its settings.
std::string ExplainBacklog(pqxx::connection_base& connection);

}  // namespace webhookd
