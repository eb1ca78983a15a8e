// How long to wait before trying again: exponential, jittered, capped.
#pragma once

#include <chrono>
#include <optional>

namespace webhookd {

/// The delay before attempt `failures + 1`. Doubles from `initial` per
/// failure up to `max`, then takes a random point in its upper half
/// (`jitter` in [0, 1)) so that many events failing together do not retry
/// together. A server's Retry-After is honoured as a lower bound.
std::chrono::milliseconds RetryDelay(int failures, std::chrono::milliseconds initial,
                                     std::chrono::milliseconds max, double jitter,
                                     std::optional<std::chrono::seconds> retry_after = std::nullopt);

/// A uniform draw in [0, 1) from a per-thread generator.
double JitterDraw();

}  // namespace webhookd
