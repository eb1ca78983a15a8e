// The shared Retry-After pause.
#include "daemon/api_pause.hpp"

#include <algorithm>

namespace webhookd {

void ApiPause::Observe(unsigned status, std::optional<std::chrono::seconds> retry_after, std::chrono::seconds longest,
                       Clock::time_point now) {
  if ((status != 429 && status != 503) || !retry_after || retry_after->count() <= 0) return;
  // A wild Retry-After must not stop verification for days: events keep
  // their own backoff, so the cap only bounds the stop for everyone.
  const auto until = now + std::min(*retry_after, longest);
  const int64_t wanted = std::chrono::duration_cast<std::chrono::nanoseconds>(until.time_since_epoch()).count();
  int64_t current = until_.load();
  while (current < wanted && !until_.compare_exchange_weak(current, wanted)) {
  }
}

std::chrono::milliseconds ApiPause::Remaining(Clock::time_point now) const {
  const auto left = End() - now;
  if (left <= Clock::duration::zero()) return std::chrono::milliseconds(0);
  return std::chrono::ceil<std::chrono::milliseconds>(left);
}

ApiPause::Clock::time_point ApiPause::End() const { return Clock::time_point(std::chrono::nanoseconds(until_.load())); }

}  // namespace webhookd
