// A value that is replaced whole while readers keep the version they took.
#pragma once

#include <atomic>
#include <memory>

namespace webhookd {

/// Readers take a shared_ptr per unit of work; a writer stores a new one.
/// Nothing is ever modified in place, so readers need no locks.
template <typename T>
class Snapshot {
 public:
  explicit Snapshot(std::shared_ptr<const T> value) : value_(std::move(value)) {}
  std::shared_ptr<const T> Get() const { return value_.load(); }
  void Set(std::shared_ptr<const T> value) { value_.store(std::move(value)); }

 private:
  std::atomic<std::shared_ptr<const T>> value_;
};

}  // namespace webhookd
