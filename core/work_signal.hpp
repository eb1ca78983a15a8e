// A wake-up call between pipeline stages, so idle workers need not poll hard.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>

namespace webhookd {

/// Workers wait on it with a timeout (they still poll, slowly, for work that
/// other daemons on the same database create); producers Notify() it.
///
/// A notice is kept until a worker takes it, so work signalled while every
/// worker was busy is not missed: a worker that finished a round which did
/// not fill its batch can wait instead of claiming again at once to be sure,
/// which in a burst found nothing most of the time. And one notice wakes one
/// worker: a waking worker takes what is queued, so waking them all sent the
/// others to claims that found nothing.
class WorkSignal {
 public:
  /// Work arrived: wakes one waiting worker, or the next one to wait.
  void Notify() {
    {
      std::lock_guard lock(mutex_);
      pending_ = true;
    }
    changed_.notify_one();
  }

  /// Work for many, or stopping, which every worker must see: wakes every
  /// waiting worker, and leaves a notice for the next one to wait.
  void NotifyAll() {
    {
      std::lock_guard lock(mutex_);
      pending_ = true;
      ++broadcasts_;
    }
    changed_.notify_all();
  }

  /// Waits until a notice, NotifyAll() or `timeout`; true when woken. Takes
  /// the notice.
  bool WaitFor(std::chrono::milliseconds timeout) {
    std::unique_lock lock(mutex_);
    const uint64_t seen = broadcasts_;
    const bool woken = changed_.wait_for(lock, timeout, [&] { return pending_ || broadcasts_ != seen; });
    pending_ = false;
    return woken;
  }

 private:
  std::mutex mutex_;
  std::condition_variable changed_;
  bool pending_ = false;
  uint64_t broadcasts_ = 0;
};

}  // namespace webhookd
