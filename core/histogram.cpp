// Histogram buckets and their cumulative reading.
#include "core/histogram.hpp"

#include <algorithm>

namespace webhookd {

Histogram::Histogram(BucketBounds bounds)
    : bounds_(bounds), buckets_(std::make_unique<std::atomic<uint64_t>[]>(bounds.size() + 1)) {}

void Histogram::Observe(std::chrono::nanoseconds duration) {
  const int64_t nanoseconds = std::max<int64_t>(duration.count(), 0);
  const double seconds = static_cast<double>(nanoseconds) / 1e9;
  // lower_bound: the first bound >= the value, so a value equal to a bound
  // falls in that bound's bucket ("le" is inclusive).
  const size_t bucket = std::lower_bound(bounds_.begin(), bounds_.end(), seconds) - bounds_.begin();
  buckets_[bucket].fetch_add(1, std::memory_order_relaxed);
  sum_us_.fetch_add(static_cast<uint64_t>(nanoseconds / 1000), std::memory_order_relaxed);
}

void Histogram::ObserveSince(std::chrono::steady_clock::time_point start) {
  Observe(std::chrono::steady_clock::now() - start);
}

HistogramCounts Histogram::Read() const {
  HistogramCounts counts;
  counts.cumulative.reserve(bounds_.size() + 1);
  uint64_t total = 0;
  for (size_t i = 0; i <= bounds_.size(); ++i) {
    total += buckets_[i].load(std::memory_order_relaxed);
    counts.cumulative.push_back(total);
  }
  counts.count = total;
  counts.sum_seconds = static_cast<double>(sum_us_.load(std::memory_order_relaxed)) / 1e6;
  return counts;
}

}  // namespace webhookd
