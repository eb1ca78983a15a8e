// Log-linear bucket arithmetic and percentile look-up.
#include "bench/latency_histogram.hpp"

#include <algorithm>
#include <bit>
#include <cmath>

namespace webhookd::bench {

namespace {

// Values keep their top kBits bits: below 2^kBits they are exact, above it
// each power of two holds 2^(kBits-1) buckets.
constexpr unsigned kBits = 8;
constexpr uint64_t kExact = uint64_t{1} << kBits;
constexpr uint64_t kHalf = kExact / 2;
constexpr size_t kBucketCount = kExact + (64 - kBits) * kHalf;

}  // namespace

LatencyHistogram::LatencyHistogram() : buckets_(kBucketCount, 0) {}

size_t LatencyHistogram::BucketIndex(uint64_t ns) {
  if (ns < kExact) return static_cast<size_t>(ns);
  const unsigned shift = static_cast<unsigned>(std::bit_width(ns)) - kBits;  // >= 1
  const uint64_t top = ns >> shift;                                          // in [kHalf, kExact)
  return static_cast<size_t>(kExact + (shift - 1) * kHalf + (top - kHalf));
}

uint64_t LatencyHistogram::BucketUpperBound(size_t index) {
  if (index < kExact) return index;
  const uint64_t shift = (index - kExact) / kHalf + 1;
  const uint64_t top = kHalf + (index - kExact) % kHalf;
  // For the very last bucket the shift wraps to 0 and the bound to UINT64_MAX: right.
  return ((top + 1) << shift) - 1;
}

void LatencyHistogram::Record(std::chrono::nanoseconds latency) {
  const uint64_t ns = latency.count() < 0 ? 0 : static_cast<uint64_t>(latency.count());
  ++buckets_[BucketIndex(ns)];
  ++count_;
  min_ = std::min(min_, ns);
  max_ = std::max(max_, ns);
  sum_ += static_cast<long double>(ns);
}

void LatencyHistogram::Merge(const LatencyHistogram& other) {
  for (size_t i = 0; i < buckets_.size(); ++i) buckets_[i] += other.buckets_[i];
  count_ += other.count_;
  min_ = std::min(min_, other.min_);
  max_ = std::max(max_, other.max_);
  sum_ += other.sum_;
}

std::chrono::nanoseconds LatencyHistogram::min() const {
  return std::chrono::nanoseconds(count_ == 0 ? 0 : min_);
}

std::chrono::nanoseconds LatencyHistogram::mean() const {
  if (count_ == 0) return std::chrono::nanoseconds(0);
  return std::chrono::nanoseconds(static_cast<int64_t>(sum_ / static_cast<long double>(count_)));
}

std::chrono::nanoseconds LatencyHistogram::ValueAtQuantile(double quantile) const {
  if (count_ == 0) return std::chrono::nanoseconds(0);
  const double clamped = std::clamp(quantile, 0.0, 1.0);
  // The rank of the wanted observation, 1-based; at least the first one.
  const uint64_t rank = std::max<uint64_t>(
      1, static_cast<uint64_t>(std::ceil(clamped * static_cast<double>(count_))));
  // The extremes are known exactly; only ranks in between need a bucket.
  if (rank == 1) return std::chrono::nanoseconds(static_cast<int64_t>(min_));
  uint64_t seen = 0;
  for (size_t i = 0; i < buckets_.size(); ++i) {
    seen += buckets_[i];
    if (seen >= rank) {
      return std::chrono::nanoseconds(static_cast<int64_t>(std::min(BucketUpperBound(i), max_)));
    }
  }
  return std::chrono::nanoseconds(static_cast<int64_t>(max_));
}

}  // namespace webhookd::bench
