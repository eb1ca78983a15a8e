// Which faults the sandbox injects, and the draws that decide each request.
#pragma once

#include <cstdint>
#include <mutex>
#include <random>

#include "core/result.hpp"

namespace webhookd::sandbox {

/// Fault settings. Rates are fractions in [0, 1]; times in milliseconds or
/// seconds as named. Defaults inject nothing.
struct Faults {
  int64_t latency_ms = 0;             ///< delay of every API answer
  int64_t list_latency_ms = 0;        ///< extra delay for GET /events lists
  double error_rate = 0;              ///< API requests answered 500
  double timeout_rate = 0;            ///< API requests never answered
  double rate_limit_rate = 0;         ///< API requests answered 429
  int64_t retry_after_s = 1;          ///< Retry-After sent with 429
  bool down = false;                  ///< every API request answered 503
  double drop_rate = 0;               ///< triggered events never delivered
  double duplicate_rate = 0;          ///< triggered events delivered twice
  int64_t max_delivery_attempts = 8;  ///< webhook attempts before giving up
};

/// kConfig naming the first setting out of range.
Status ValidateFaults(const Faults& faults);

/// What happens to one API request.
enum class ApiFault : uint8_t { kNone, kDown, kTimeout, kError, kRateLimited };

/// What happens to one triggered event.
enum class DeliveryFate : uint8_t { kDeliver, kDrop, kDuplicate };

/// Decides with `draw` in [0, 1): the rates split that interval in the order
/// timeout, error, rate limit, so each happens with its own probability.
/// `down` wins over everything.
ApiFault DecideApiFault(const Faults& faults, double draw);

/// Decides with `draw` in [0, 1): drop first, then duplicate.
DeliveryFate DecideDeliveryFate(const Faults& faults, double draw);

/// The current settings plus a seeded random source. Thread-safe; each call
/// holds a mutex only for a copy or one draw, never during I/O.
class FaultPlan {
 public:
  explicit FaultPlan(Faults faults = {}, uint64_t seed = 1);

  Faults faults() const;
  void Set(const Faults& faults);

  /// The fault for one API request under `faults` (a copy the caller took).
  ApiFault DrawApiFault(const Faults& faults);
  /// The fate of one triggered event under `faults`.
  DeliveryFate DrawDeliveryFate(const Faults& faults);
  /// A uniform draw in [0, 1).
  double Draw();

 private:
  mutable std::mutex mutex_;
  Faults faults_;
  std::mt19937_64 rng_;
};

}  // namespace webhookd::sandbox
