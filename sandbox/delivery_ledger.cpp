// Delivery counters and id lists under one mutex.
#include "sandbox/delivery_ledger.hpp"

namespace webhookd::sandbox {

void DeliveryLedger::Enqueued(size_t count) {
  std::lock_guard lock(mutex_);
  summary_.pending += count;
}

void DeliveryLedger::Dropped(std::string_view id) {
  std::lock_guard lock(mutex_);
  ++summary_.dropped;
  dropped_ids_.emplace_back(id);
}

void DeliveryLedger::Attempted(unsigned status) {
  std::lock_guard lock(mutex_);
  ++summary_.attempts;
  ++summary_.answers[status];
}

void DeliveryLedger::DuplicateSent() {
  std::lock_guard lock(mutex_);
  ++summary_.duplicates_sent;
}

void DeliveryLedger::Settled(std::string_view id, bool acknowledged, bool duplicate) {
  std::lock_guard lock(mutex_);
  if (summary_.pending > 0) --summary_.pending;
  if (duplicate) return;
  if (acknowledged) {
    ++summary_.acknowledged;
    acknowledged_ids_.emplace_back(id);
  } else {
    ++summary_.failed;
    failed_ids_.emplace_back(id);
  }
}

DeliverySummary DeliveryLedger::Summary() const {
  std::lock_guard lock(mutex_);
  return summary_;
}

uint64_t DeliveryLedger::pending() const {
  std::lock_guard lock(mutex_);
  return summary_.pending;
}

std::vector<std::string> DeliveryLedger::Ids(DeliveryOutcome outcome) const {
  std::lock_guard lock(mutex_);
  switch (outcome) {
    case DeliveryOutcome::kAcknowledged:
      return acknowledged_ids_;
    case DeliveryOutcome::kFailed:
      return failed_ids_;
    case DeliveryOutcome::kDropped:
      return dropped_ids_;
  }
  return {};
}

void DeliveryLedger::Reset() {
  std::lock_guard lock(mutex_);
  const uint64_t pending = summary_.pending;
  summary_ = DeliverySummary{};
  summary_.pending = pending;
  acknowledged_ids_.clear();
  failed_ids_.clear();
  dropped_ids_.clear();
}

}  // namespace webhookd::sandbox
