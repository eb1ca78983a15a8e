// An HDR-style log-linear latency histogram: fixed relative precision over nanoseconds to hours.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <vector>

namespace webhookd::bench {

/// Counts latencies into buckets that are exact below 256 ns and then split
/// every power of two into 128 equal parts, so any recorded value is known to
/// within 1/128 (0.8%) whatever its size: the shape of HdrHistogram with
/// about two significant digits. Percentiles come from the buckets, never from
/// an average. Not thread-safe: each load thread keeps its own and they are
/// merged at the end.
class LatencyHistogram {
 public:
  LatencyHistogram();

  /// Records one latency; negative values count as zero.
  void Record(std::chrono::nanoseconds latency);

  /// Adds every observation of `other`.
  void Merge(const LatencyHistogram& other);

  uint64_t count() const { return count_; }
  std::chrono::nanoseconds min() const;  ///< 0 when empty
  std::chrono::nanoseconds max() const { return std::chrono::nanoseconds(max_); }
  std::chrono::nanoseconds mean() const;  ///< 0 when empty

  /// The smallest recorded value v such that at least `quantile` (0..1) of the
  /// observations are <= v, reported as the top of v's bucket but never above
  /// the true maximum; the lowest rank gives the true minimum. 0 when empty.
  std::chrono::nanoseconds ValueAtQuantile(double quantile) const;

  /// The bucket `ns` falls into.
  static size_t BucketIndex(uint64_t ns);
  /// The largest value that falls into bucket `index`.
  static uint64_t BucketUpperBound(size_t index);

 private:
  std::vector<uint64_t> buckets_;
  uint64_t count_ = 0;
  uint64_t min_ = UINT64_MAX;
  uint64_t max_ = 0;
  long double sum_ = 0;
};

}  // namespace webhookd::bench
