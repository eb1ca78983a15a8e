// A pause of every PayPro API call, asked for by PayPro with Retry-After.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <optional>

namespace webhookd {

/// PayPro's rate limit (429) and its maintenance answers (503) concern our
/// account, not one event: when either carries Retry-After, every worker of
/// the client waits that long before its next call. Honoured per event only,
/// a 429 storm was met with a call per waiting event per Retry-After (over
/// 1,000 calls for 200 events in 15 s). Thread-safe.
class ApiPause {
 public:
  using Clock = std::chrono::steady_clock;

  /// Takes note of an answer: a 429 or 503 with `retry_after` pauses calls
  /// for that long (at most `longest`), from `now`. A pause is only ever
  /// extended, never shortened, by a later answer.
  void Observe(unsigned status, std::optional<std::chrono::seconds> retry_after, std::chrono::seconds longest,
               Clock::time_point now = Clock::now());
  /// How long calls must still wait; zero when they may go.
  std::chrono::milliseconds Remaining(Clock::time_point now = Clock::now()) const;

  /// When the latest pause ends or ended; the clock's epoch if none came yet.
  Clock::time_point End() const;

 private:
  std::atomic<int64_t> until_{0};  ///< steady-clock nanoseconds since its epoch
};

}  // namespace webhookd
