// Retry delays.
#include "daemon/backoff.hpp"

#include <algorithm>
#include <random>

namespace webhookd {

std::chrono::milliseconds RetryDelay(int failures, std::chrono::milliseconds initial,
                                     std::chrono::milliseconds max, double jitter,
                                     std::optional<std::chrono::seconds> retry_after) {
  const int doublings = std::clamp(failures - 1, 0, 40);
  const double base = std::min(static_cast<double>(initial.count()) * static_cast<double>(1LL << std::min(doublings, 40)),
                               static_cast<double>(max.count()));
  auto delay = std::chrono::milliseconds(static_cast<int64_t>(base / 2 + jitter * base / 2));
  if (retry_after) delay = std::max<std::chrono::milliseconds>(delay, *retry_after);
  return delay;
}

double JitterDraw() {
  thread_local std::mt19937_64 generator{std::random_device{}()};
  return std::uniform_real_distribution<double>(0.0, 1.0)(generator);
}

}  // namespace webhookd
