// Requests to the daemon's main thread: stop, reload.
#pragma once

#include <chrono>
#include <condition_variable>
#include <mutex>

namespace webhookd {

/// Signals and the config watcher post here; the main thread acts, so that
/// reloading (file I/O, building handlers) never runs on an Asio thread.
class ControlEvents {
 public:
  void RequestStop() { Post([this] { stop_ = true; }); }
  void RequestReload() { Post([this] { reload_ = true; }); }

  bool stop_requested() {
    std::lock_guard lock(mutex_);
    return stop_;
  }

  /// Waits up to `timeout` for a request; true when a reload was requested
  /// (and clears it). Check stop_requested() after.
  bool WaitForReload(std::chrono::milliseconds timeout) {
    std::unique_lock lock(mutex_);
    changed_.wait_for(lock, timeout, [&] { return stop_ || reload_; });
    const bool reload = reload_;
    reload_ = false;
    return reload;
  }

  /// Waits up to `timeout`; true when stop was requested.
  bool WaitForStop(std::chrono::milliseconds timeout) {
    std::unique_lock lock(mutex_);
    return changed_.wait_for(lock, timeout, [&] { return stop_; });
  }

 private:
  template <typename Change>
  void Post(Change change) {
    {
      std::lock_guard lock(mutex_);
      change();
    }
    changed_.notify_all();
  }

  std::mutex mutex_;
  std::condition_variable changed_;
  bool stop_ = false;
  bool reload_ = false;
};

}  // namespace webhookd
