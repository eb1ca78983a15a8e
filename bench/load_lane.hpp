// One load-generator thread: its own event loop, its connections, its share of the requests.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "bench/load_plan.hpp"
#include "bench/load_tally.hpp"
#include "core/result.hpp"

namespace webhookd::bench {

struct LaneSettings {
  /// Formatted requests; number n sends requests[n % size]. Outlives the lane.
  const std::vector<std::string>* requests = nullptr;
  LoadPlan plan;
  uint64_t thread = 0;  ///< this lane sends numbers thread, thread+threads, ...
  uint64_t threads = 1;
  size_t connections = 1;
  std::string host;
  std::string port;
  bool connection_close = false;
  std::chrono::milliseconds timeout{30000};
};

/// Sends its share of a run over Boost.Beast asynchronous connections on one
/// io_context: one request at a time per connection (no pipelining), the
/// next one started as soon as a connection is free and the plan allows it.
class LoadLane {
 public:
  explicit LoadLane(LaneSettings settings);
  ~LoadLane();
  LoadLane(const LoadLane&) = delete;
  LoadLane& operator=(const LoadLane&) = delete;

  /// Resolves the target and, with keep-alive, opens every connection, so
  /// that connecting is not part of the timed run. kUnavailable on failure.
  Status Prepare();

  /// Runs the share with `start` as time zero; returns when every started
  /// request is answered or has failed. Call on the thread that owns the lane.
  LoadTally Run(std::chrono::steady_clock::time_point start);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace webhookd::bench
