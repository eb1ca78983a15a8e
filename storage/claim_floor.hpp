// Where a worker's next claim starts in a queue index ordered by due time.
#pragma once

#include <chrono>
#include <limits>
#include <optional>

namespace webhookd {

/// A queue index (due time, `WHERE state = ...`) keeps the entries of the
/// events that left the state until VACUUM cleans the index. They sit at the
/// index's front, where every claim starts: PostgreSQL skips them once marked
/// dead, but still walks their pages (1.4 ms a claim with 120,000 behind it,
/// growing with the events handled since the last index vacuum, which may be
/// never on a large table). So a claim starts at a floor: a margin before the
/// oldest due time the previous claim took. Events that become due behind the
/// floor (a crashed worker's claims, backfilled events released in
/// their own order, an intake transaction that committed late) are found by
/// a claim from the front, made every `full_scan_period`.
class ClaimFloor {
 public:
  static constexpr std::chrono::seconds kDefaultFullScanPeriod{5};
  /// How far before the oldest claimed due time the next claim starts: the
  /// intake's transactions take their due time (now()) when they begin, not
  /// when they commit.
  static constexpr double kMarginSeconds = 1.0;

  explicit ClaimFloor(std::chrono::seconds full_scan_period = kDefaultFullScanPeriod)
      : full_scan_period_(full_scan_period) {}

  /// The due time (epoch seconds) the next claim scans from; -infinity when
  /// a claim from the front is due. Call once per claim.
  double Next(std::chrono::steady_clock::time_point now) {
    if (!floor_ || now >= full_scan_due_) {
      full_scan_due_ = now + full_scan_period_;
      return -std::numeric_limits<double>::infinity();
    }
    return *floor_;
  }

  /// After a claim: the oldest due time it took (epoch seconds), nothing when it took nothing.
  void Claimed(std::optional<double> oldest_due) {
    if (oldest_due) floor_ = *oldest_due - kMarginSeconds;
  }

 private:
  std::chrono::seconds full_scan_period_;
  std::optional<double> floor_;
  std::chrono::steady_clock::time_point full_scan_due_{};
};

}  // namespace webhookd
