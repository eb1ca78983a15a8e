// What a load run saw, and its JSON summary.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <string>

#include "bench/latency_histogram.hpp"
#include "bench/load_plan.hpp"

namespace webhookd::bench {

/// Counts kept by one load thread, merged across threads at the end.
struct LoadTally {
  uint64_t sent = 0;                       ///< requests started
  std::map<unsigned, uint64_t> statuses;   ///< answers by HTTP status
  std::map<std::string, uint64_t> errors;  ///< requests without an answer, by stage
  uint64_t unsent =
      0;  ///< open loop: due within the duration but never started (no free connection)
  LatencyHistogram latency;                 ///< answered requests only
  std::chrono::nanoseconds last_answer{0};  ///< from the start to the last answer

  void Merge(const LoadTally& other);
  uint64_t answered() const;
  uint64_t failed() const;  ///< sum of errors
};

/// The facts about a run that the summary repeats next to the tally.
struct RunFacts {
  const LoadPlan* plan = nullptr;
  size_t connections = 0;
  size_t threads = 0;
  bool connection_close = false;
  uint64_t requests_loaded = 0;
  double client_cpu_s = 0;  ///< the load generator's own CPU time during the run
  double start_unix_s = 0;  ///< time zero on the wall clock, to line the run up with other clocks
};

/// One JSON object: mode, target rate, counts, `achieved_rps` (answers per
/// second from the start to the last answer), `ok_rps` (2xx only),
/// `exhausted` (a closed loop ran out of loaded calls before its duration)
/// and `latency_ms` {min, mean, p50, p90, p99, p99_9, max}.
std::string SummaryJson(const LoadTally& tally, const RunFacts& facts);

}  // namespace webhookd::bench
