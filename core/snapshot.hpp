// A value that is replaced whole while readers keep the version they took.
#pragma once

#include <memory>
#include <mutex>

namespace webhookd {

/// Readers take a shared_ptr per unit of work; a writer stores a new one.
/// Nothing is ever modified in place, so the lock guards only the pointer:
/// it is held for a copy, never while the value is used.
template <typename T>
class Snapshot {
 public:
  explicit Snapshot(std::shared_ptr<const T> value) : value_(std::move(value)) {}

  std::shared_ptr<const T> Get() const {
    std::lock_guard lock(mutex_);
    return value_;
  }

  void Set(std::shared_ptr<const T> value) {
    std::lock_guard lock(mutex_);
    value_.swap(value);  // the old value is released with `value`, after the lock
  }

 private:
  // Not std::atomic<std::shared_ptr>: libstdc++ 12 implements it as a lock
  // too, and its load() gives that lock back with a relaxed store, so a load
  // and a later store race on the pointer (ThreadSanitizer reports it). A
  // mutex costs the same and is correct.
  mutable std::mutex mutex_;
  std::shared_ptr<const T> value_;
};

}  // namespace webhookd
