// Per-handler run counters and durations, read by /metrics.
#pragma once

#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>

#include "core/histogram.hpp"

namespace webhookd {

/// How one handler run ended.
enum class RunResult {
  kDone,      ///< the handler did its work (in-database handlers: committed with the event)
  kRetry,     ///< it failed and will be tried again after its backoff
  kDead,      ///< it failed and will not be tried again (attempts spent, or it cannot run)
  kDisabled,  ///< its target answered 410 Gone: the handler is off until the next reload
};

/// The `result` label of each RunResult, in enum order.
inline constexpr std::array<std::string_view, 4> kRunResultNames = {"done", "retry", "dead", "disabled"};

/// The series of one handler. Record() is lock-free.
struct HandlerSeries {
  std::array<std::atomic<uint64_t>, kRunResultNames.size()> runs{};
  Histogram duration{kHandlerBuckets};

  /// A run that called the handler and took `took`.
  void Record(RunResult result, std::chrono::nanoseconds took);
  /// A run that ended without calling the handler (no duration to show).
  void Count(RunResult result);
};

/// HandlerSeries by handler name. A name gets its series on first use and
/// keeps it for the life of the process, so series survive reloads that
/// remove and re-add a handler and their counters never go backwards.
class HandlerStats {
 public:
  /// The series of `name`; the reference stays valid. Takes a lock: look a
  /// handler up once per run, not per observation.
  HandlerSeries& For(const std::string& name);

  /// Calls `visit` for every handler seen so far, in name order.
  void ForEach(const std::function<void(const std::string& name, const HandlerSeries& series)>& visit) const;

 private:
  mutable std::mutex mutex_;
  std::map<std::string, std::unique_ptr<HandlerSeries>> series_;
};

}  // namespace webhookd
