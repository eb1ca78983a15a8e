// A due-time priority queue with an in-flight count, under one mutex.
#include "sandbox/delivery_queue.hpp"

namespace webhookd::sandbox {

void DeliveryQueue::Push(DeliveryJob job, DeliveryClock::time_point due) {
  {
    std::lock_guard lock(mutex_);
    entries_.push(Entry{due, pushed_++, job});
  }
  changed_.notify_one();
}

std::optional<DeliveryJob> DeliveryQueue::Pop() {
  std::unique_lock lock(mutex_);
  for (;;) {
    if (stopped_) return std::nullopt;
    if (!entries_.empty()) {
      const DeliveryClock::time_point due = entries_.top().due;
      if (due <= DeliveryClock::now()) {
        DeliveryJob job = entries_.top().job;
        entries_.pop();
        ++in_flight_;
        return job;
      }
      changed_.wait_until(lock, due);
      continue;
    }
    if (in_flight_ == 0) return std::nullopt;
    changed_.wait(lock);
  }
}

void DeliveryQueue::Done() {
  {
    std::lock_guard lock(mutex_);
    --in_flight_;
  }
  // Waiting threads re-check: the batch may be finished now.
  changed_.notify_all();
}

void DeliveryQueue::Stop() {
  {
    std::lock_guard lock(mutex_);
    stopped_ = true;
  }
  changed_.notify_all();
}

bool DeliveryQueue::stopped() const {
  std::lock_guard lock(mutex_);
  return stopped_;
}

}  // namespace webhookd::sandbox
