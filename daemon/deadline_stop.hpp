// Stopping with a deadline: wait for a stop, and give up on it when time is out.
#pragma once

#include <chrono>
#include <functional>

namespace webhookd {

/// The steps of a stop that may not be allowed to finish.
struct DeadlineStop {
  std::function<void()> stop;     ///< stops the workers; returns once they all ended
  std::function<void()> abandon;  ///< at the deadline: makes what still runs give up soon
  std::function<void()> give_up;  ///< after the grace: nothing more ends by itself
};

/// How often `abandon` is called again during the grace: work that was
/// waiting to start (a run waiting for its handler's slot) starts after the
/// first call, and must be abandoned too.
inline constexpr std::chrono::milliseconds kAbandonEvery{100};

/// Runs `steps.stop` on a thread of its own and waits for it until
/// `deadline`; past it calls `steps.abandon` (again every kAbandonEvery) for
/// `grace` more. True when the stop returned in time. Otherwise calls
/// `steps.give_up` and returns false with the stop still running on a
/// detached thread: the caller must then end the process, since what the
/// stop uses cannot be destroyed.
bool StopByDeadline(const DeadlineStop& steps, std::chrono::steady_clock::time_point deadline,
                    std::chrono::steady_clock::duration grace);

}  // namespace webhookd
