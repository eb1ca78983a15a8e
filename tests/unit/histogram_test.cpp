// Tests for the lock-free fixed-bucket histogram.
#include "core/histogram.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <thread>
#include <vector>

namespace webhookd {
namespace {

using std::chrono::microseconds;
using std::chrono::milliseconds;

constexpr double kBounds[] = {0.001, 0.01, 0.1};

TEST(Histogram, StartsEmptyWithOneBucketPerBoundAndInf) {
  const Histogram histogram(kBounds);
  const HistogramCounts counts = histogram.Read();
  EXPECT_EQ(counts.cumulative, (std::vector<uint64_t>{0, 0, 0, 0}));
  EXPECT_EQ(counts.count, 0u);
  EXPECT_EQ(counts.sum_seconds, 0.0);
}

TEST(Histogram, CountsCumulativelyWithInclusiveUpperBounds) {
  Histogram histogram(kBounds);
  histogram.Observe(microseconds(500));  // <= 0.001
  histogram.Observe(milliseconds(1));    // exactly 0.001: that bucket ("le")
  histogram.Observe(milliseconds(5));    // <= 0.01
  histogram.Observe(milliseconds(100));  // exactly 0.1
  histogram.Observe(milliseconds(2500)); // +Inf
  const HistogramCounts counts = histogram.Read();
  EXPECT_EQ(counts.cumulative, (std::vector<uint64_t>{2, 3, 4, 5}));
  EXPECT_EQ(counts.count, 5u);
  EXPECT_DOUBLE_EQ(counts.sum_seconds, 2.6065);
}

TEST(Histogram, CountsNegativeDurationsAsZero) {
  Histogram histogram(kBounds);
  histogram.Observe(milliseconds(-3));
  const HistogramCounts counts = histogram.Read();
  EXPECT_EQ(counts.cumulative.front(), 1u);
  EXPECT_EQ(counts.sum_seconds, 0.0);
}

TEST(Histogram, KeepsTheSumInMicroseconds) {
  Histogram histogram(kBounds);
  for (int i = 0; i < 1000; ++i) histogram.Observe(std::chrono::nanoseconds(1500));
  EXPECT_DOUBLE_EQ(histogram.Read().sum_seconds, 0.001);  // 1 us each: below a microsecond is dropped
}

TEST(Histogram, LosesNoObservationAcrossThreads) {
  Histogram histogram(kAckBuckets);
  constexpr int kThreads = 4;
  constexpr int kEach = 20000;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&histogram, t] {
      for (int i = 0; i < kEach; ++i) histogram.Observe(microseconds((i % 7) * 1000 + t));
    });
  }
  for (std::thread& thread : threads) thread.join();
  const HistogramCounts counts = histogram.Read();
  EXPECT_EQ(counts.count, uint64_t{kThreads} * kEach);
  EXPECT_EQ(counts.cumulative.back(), counts.count);
  for (size_t i = 1; i < counts.cumulative.size(); ++i) EXPECT_LE(counts.cumulative[i - 1], counts.cumulative[i]);
}

TEST(Histogram, BucketConstantsAscend) {
  for (const BucketBounds bounds : {BucketBounds(kAckBuckets), BucketBounds(kApiCallBuckets),
                                    BucketBounds(kQueueDelayBuckets), BucketBounds(kHandlerBuckets)}) {
    EXPECT_TRUE(std::is_sorted(bounds.begin(), bounds.end()));
    EXPECT_EQ(std::adjacent_find(bounds.begin(), bounds.end()), bounds.end());
  }
  EXPECT_EQ(BucketBounds(kAckBuckets).front(), 0.0005);
  EXPECT_EQ(BucketBounds(kAckBuckets).back(), 5.0);
}

}  // namespace
}  // namespace webhookd
