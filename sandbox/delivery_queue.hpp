// The work queue of one trigger batch: deliveries ordered by when they are due.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <optional>
#include <queue>
#include <vector>

#include "sandbox/event_store.hpp"

namespace webhookd::sandbox {

using DeliveryClock = std::chrono::steady_clock;

/// One webhook delivery of one event (its first, or its duplicate).
struct DeliveryJob {
  const StoredEvent* event = nullptr;
  int attempts = 0;        ///< attempts made so far
  bool duplicate = false;  ///< the deliberate second delivery (duplicate_rate)
};

/// Thread-safe queue shared by a batch's delivery threads. It knows how
/// many jobs are being worked on, so a thread only finishes when no retry can
/// still appear.
class DeliveryQueue {
 public:
  void Push(DeliveryJob job, DeliveryClock::time_point due);

  /// Blocks until a job is due and hands it out. nullopt when the batch is
  /// finished (nothing queued, nothing in flight) or stopped. Every job
  /// handed out must be followed by Done(), after any retry is pushed.
  std::optional<DeliveryJob> Pop();
  void Done();

  /// Wakes every waiting thread; Pop returns nullopt from now on.
  void Stop();
  bool stopped() const;

 private:
  struct Entry {
    DeliveryClock::time_point due;
    uint64_t order;  ///< ties keep push order, so first deliveries go out oldest first
    DeliveryJob job;
    bool operator>(const Entry& other) const {
      return due != other.due ? due > other.due : order > other.order;
    }
  };

  mutable std::mutex mutex_;
  std::condition_variable changed_;
  std::priority_queue<Entry, std::vector<Entry>, std::greater<>> entries_;
  uint64_t pushed_ = 0;
  size_t in_flight_ = 0;
  bool stopped_ = false;
};

}  // namespace webhookd::sandbox
