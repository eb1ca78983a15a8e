// What a load run sends and when: open loop at a fixed rate or closed loop at maximum.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>

namespace webhookd::bench {

/// A run's shape, shared by all load threads. Requests are numbered 0, 1, ...
/// in the order they are meant to go out; thread `t` of `n` sends the numbers
/// t, t+n, t+2n, ... so the threads together keep one global schedule.
struct LoadPlan {
  /// Requests per second for an open-loop run; nullopt: closed loop, each
  /// connection sends its next request as soon as the previous one is answered.
  std::optional<double> rate;
  std::chrono::nanoseconds duration{std::chrono::seconds(10)};
  uint64_t max_requests = UINT64_MAX;
};

/// When request `number` is meant to be sent, counted from the start:
/// number / rate. Open-loop latency is measured from this moment, not from
/// when a free connection finally sent it, so a stalled server cannot hide
/// its stall (no coordinated omission). Zero for a closed-loop plan.
std::chrono::nanoseconds IntendedOffset(const LoadPlan& plan, uint64_t number);

/// True when request `number` belongs to the run at all: below max_requests
/// and, for an open loop, meant to start within the duration.
bool InPlan(const LoadPlan& plan, uint64_t number);

/// True when request `number` may start `elapsed` after the start: it is in
/// the plan and, open loop, its intended time has come; closed loop, the
/// duration has not run out. An open-loop request that is late (every
/// connection was busy) stays startable after the duration: its latency is real.
bool MayStart(const LoadPlan& plan, uint64_t number, std::chrono::nanoseconds elapsed);

/// The global number of a thread's `k`-th request (see LoadPlan).
inline uint64_t RequestNumber(uint64_t k, uint64_t thread, uint64_t threads) {
  return thread + k * threads;
}

}  // namespace webhookd::bench
