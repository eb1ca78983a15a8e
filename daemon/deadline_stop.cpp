// A stop on its own thread, waited for until a deadline.
#include "daemon/deadline_stop.hpp"

#include <algorithm>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <thread>

namespace webhookd {

namespace {

// Shared with the stopping thread, which may outlive the call when detached.
struct Finish {
  std::mutex mutex;
  std::condition_variable done_changed;
  bool done = false;

  bool WaitUntil(std::chrono::steady_clock::time_point deadline) {
    std::unique_lock lock(mutex);
    return done_changed.wait_until(lock, deadline, [&] { return done; });
  }
};

}  // namespace

bool StopByDeadline(const DeadlineStop& steps, std::chrono::steady_clock::time_point deadline,
                    std::chrono::steady_clock::duration grace) {
  auto finish = std::make_shared<Finish>();
  std::thread stopper([finish, stop = steps.stop] {
    stop();
    {
      std::lock_guard lock(finish->mutex);
      finish->done = true;
    }
    finish->done_changed.notify_all();
  });
  if (!finish->WaitUntil(deadline)) {
    const auto give_up_at = std::chrono::steady_clock::now() + grace;
    bool done = false;
    while (!done && std::chrono::steady_clock::now() < give_up_at) {
      steps.abandon();
      done =
          finish->WaitUntil(std::min(std::chrono::steady_clock::now() + kAbandonEvery, give_up_at));
    }
    if (!done) {
      steps.give_up();
      stopper.detach();
      return false;
    }
  }
  stopper.join();
  return true;
}

}  // namespace webhookd
