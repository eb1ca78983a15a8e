// Fault decisions from uniform draws.
#include "sandbox/fault_plan.hpp"

#include <fmt/format.h>

namespace webhookd::sandbox {

namespace {

Status CheckRate(double value, std::string_view name) {
  if (value >= 0.0 && value <= 1.0) return Ok{};
  return MakeError(ErrorCode::kConfig, fmt::format("{} must be between 0 and 1", name));
}

Status CheckRange(int64_t value, int64_t low, int64_t high, std::string_view name) {
  if (value >= low && value <= high) return Ok{};
  return MakeError(ErrorCode::kConfig,
                   fmt::format("{} must be between {} and {}", name, low, high));
}

}  // namespace

Status ValidateFaults(const Faults& faults) {
  constexpr int64_t kMaxDelayMs = 600000;
  for (const Status& status : {
           CheckRange(faults.latency_ms, 0, kMaxDelayMs, "latency_ms"),
           CheckRange(faults.list_latency_ms, 0, kMaxDelayMs, "list_latency_ms"),
           CheckRate(faults.error_rate, "error_rate"),
           CheckRate(faults.timeout_rate, "timeout_rate"),
           CheckRate(faults.rate_limit_rate, "rate_limit_rate"),
           CheckRange(faults.retry_after_s, 0, 3600, "retry_after_s"),
           CheckRate(faults.drop_rate, "drop_rate"),
           CheckRate(faults.duplicate_rate, "duplicate_rate"),
           CheckRange(faults.max_delivery_attempts, 1, 100, "max_delivery_attempts"),
       }) {
    if (!status) return status;
  }
  return Ok{};
}

ApiFault DecideApiFault(const Faults& faults, double draw) {
  if (faults.down) return ApiFault::kDown;
  double bound = faults.timeout_rate;
  if (draw < bound) return ApiFault::kTimeout;
  bound += faults.error_rate;
  if (draw < bound) return ApiFault::kError;
  bound += faults.rate_limit_rate;
  if (draw < bound) return ApiFault::kRateLimited;
  return ApiFault::kNone;
}

DeliveryFate DecideDeliveryFate(const Faults& faults, double draw) {
  if (draw < faults.drop_rate) return DeliveryFate::kDrop;
  if (draw < faults.drop_rate + faults.duplicate_rate) return DeliveryFate::kDuplicate;
  return DeliveryFate::kDeliver;
}

FaultPlan::FaultPlan(Faults faults, uint64_t seed) : faults_(faults), rng_(seed) {}

Faults FaultPlan::faults() const {
  std::lock_guard lock(mutex_);
  return faults_;
}

void FaultPlan::Set(const Faults& faults) {
  std::lock_guard lock(mutex_);
  faults_ = faults;
}

double FaultPlan::Draw() {
  std::lock_guard lock(mutex_);
  // The top 53 bits as a fraction: exactly uniform over [0, 1), never 1.
  return static_cast<double>(rng_() >> 11) * 0x1.0p-53;
}

ApiFault FaultPlan::DrawApiFault(const Faults& faults) {
  // Without random faults there is nothing to draw: skip the lock.
  if (faults.down || faults.timeout_rate + faults.error_rate + faults.rate_limit_rate <= 0.0) {
    return DecideApiFault(faults, 1.0);
  }
  return DecideApiFault(faults, Draw());
}

DeliveryFate FaultPlan::DrawDeliveryFate(const Faults& faults) {
  if (faults.drop_rate + faults.duplicate_rate <= 0.0) return DeliveryFate::kDeliver;
  return DecideDeliveryFate(faults, Draw());
}

}  // namespace webhookd::sandbox
