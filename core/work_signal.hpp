// A wake-up call between pipeline stages, so idle workers need not poll hard.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>

namespace webhookd {

/// Workers wait on it with a timeout (they still poll, slowly, for work that
/// other daemons on the same database create); producers Notify() it.
class WorkSignal {
 public:
  void Notify() {
    {
      std::lock_guard lock(mutex_);
      ++generation_;
    }
    changed_.notify_all();
  }

  /// Waits until Notify() or `timeout`; true when notified.
  bool WaitFor(std::chrono::milliseconds timeout) {
    std::unique_lock lock(mutex_);
    const uint64_t seen = generation_;
    return changed_.wait_for(lock, timeout, [&] { return generation_ != seen; });
  }

 private:
  std::mutex mutex_;
  std::condition_variable changed_;
  uint64_t generation_ = 0;
};

}  // namespace webhookd
