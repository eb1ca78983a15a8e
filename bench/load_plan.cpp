// Schedule arithmetic for open- and closed-loop runs.
#include "bench/load_plan.hpp"

#include <cmath>

namespace webhookd::bench {

std::chrono::nanoseconds IntendedOffset(const LoadPlan& plan, uint64_t number) {
  if (!plan.rate) return std::chrono::nanoseconds(0);
  return std::chrono::nanoseconds(std::llround(static_cast<double>(number) * 1e9 / *plan.rate));
}

bool InPlan(const LoadPlan& plan, uint64_t number) {
  if (number >= plan.max_requests) return false;
  return !plan.rate || IntendedOffset(plan, number) < plan.duration;
}

bool MayStart(const LoadPlan& plan, uint64_t number, std::chrono::nanoseconds elapsed) {
  if (!InPlan(plan, number)) return false;
  if (!plan.rate) return elapsed < plan.duration;
  return IntendedOffset(plan, number) <= elapsed;
}

}  // namespace webhookd::bench
