// A fixed-bucket latency histogram whose observations are lock-free.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <span>
#include <vector>

namespace webhookd {

/// Bucket upper bounds in seconds, ascending; +Inf is implied.
using BucketBounds = std::span<const double>;

/// Webhook acknowledgement: 0.5 ms to 5 s (PayPro gives up after a few seconds).
inline constexpr double kAckBuckets[] = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
                                         0.1,    0.25,  0.5,    1,     2.5,  5};
/// One PayPro API call: 5 ms to 30 s (the longest sensible request timeout).
inline constexpr double kApiCallBuckets[] = {0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30};
/// Receipt to verification: 50 ms to a day (PayPro outages are retried for hours).
inline constexpr double kQueueDelayBuckets[] = {0.05, 0.1, 0.25, 0.5, 1,    2.5,   5,    10,
                                                30,   60,  300,  900, 3600, 14400, 86400};
/// One handler run: 0.5 ms (sql) to 5 minutes (exec, http with long timeouts).
inline constexpr double kHandlerBuckets[] = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25,
                                             0.5,    1,     2.5,    5,     10,   30,    60,   300};

/// What a histogram holds at one moment.
struct HistogramCounts {
  std::vector<uint64_t> cumulative;  ///< observations <= each bound, then the +Inf bucket
  uint64_t count = 0;                ///< equals cumulative.back()
  double sum_seconds = 0;
};

/// Counts observations into buckets with fixed upper bounds. Observe() takes
/// no lock and allocates nothing, so it is cheap on the request path; Read()
/// may run at the same time (a scrape sees each bucket exactly, the set of
/// buckets as of slightly different instants, which Prometheus tolerates).
class Histogram {
 public:
  /// `bounds` must be ascending and outlive the histogram (the constants above).
  explicit Histogram(BucketBounds bounds);

  /// Records one observation; negative durations count as zero.
  void Observe(std::chrono::nanoseconds duration);
  /// Records the time since `start` on the steady clock.
  void ObserveSince(std::chrono::steady_clock::time_point start);

  HistogramCounts Read() const;
  BucketBounds bounds() const { return bounds_; }

 private:
  BucketBounds bounds_;
  std::unique_ptr<std::atomic<uint64_t>[]> buckets_;  ///< per bound, then +Inf; not cumulative
  std::atomic<uint64_t> sum_us_{0};                  ///< total of all observations, microseconds
};

}  // namespace webhookd
