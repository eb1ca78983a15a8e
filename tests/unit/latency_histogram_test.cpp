// Tests for the log-linear latency histogram.
#include "bench/latency_histogram.hpp"

#include <gtest/gtest.h>

#include <random>

namespace webhookd::bench {
namespace {

using std::chrono::microseconds;
using std::chrono::milliseconds;
using std::chrono::nanoseconds;

TEST(LatencyHistogram, SmallValuesAreExact) {
  for (uint64_t ns : {0u, 1u, 100u, 255u}) {
    EXPECT_EQ(LatencyHistogram::BucketIndex(ns), ns);
    EXPECT_EQ(LatencyHistogram::BucketUpperBound(ns), ns);
  }
}

TEST(LatencyHistogram, BucketsAreContiguousAndWithinOnePercent) {
  uint64_t previous_upper = LatencyHistogram::BucketUpperBound(255);
  for (size_t index = 256; index < 7000; ++index) {
    const uint64_t upper = LatencyHistogram::BucketUpperBound(index);
    const uint64_t lower = previous_upper + 1;
    ASSERT_GT(upper, previous_upper) << index;
    EXPECT_EQ(LatencyHistogram::BucketIndex(lower), index);
    EXPECT_EQ(LatencyHistogram::BucketIndex(upper), index);
    EXPECT_LE(static_cast<double>(upper - lower) / static_cast<double>(lower), 1.0 / 128) << index;
    previous_upper = upper;
  }
}

TEST(LatencyHistogram, HugeValuesFitTheLastBucket) {
  const size_t last = LatencyHistogram::BucketIndex(UINT64_MAX);
  EXPECT_EQ(LatencyHistogram::BucketUpperBound(last), UINT64_MAX);
  LatencyHistogram histogram;
  histogram.Record(nanoseconds(INT64_MAX));
  EXPECT_EQ(histogram.max(), nanoseconds(INT64_MAX));
}

TEST(LatencyHistogram, PercentilesOfAUniformSpreadAreWithinPrecision) {
  LatencyHistogram histogram;
  for (int us = 1; us <= 10000; ++us) histogram.Record(microseconds(us));
  EXPECT_EQ(histogram.count(), 10000u);
  const auto near = [](nanoseconds value, double expected_us) {
    EXPECT_NEAR(static_cast<double>(value.count()) / 1000.0, expected_us, expected_us / 100.0);
  };
  near(histogram.ValueAtQuantile(0.5), 5000);
  near(histogram.ValueAtQuantile(0.9), 9000);
  near(histogram.ValueAtQuantile(0.99), 9900);
  near(histogram.ValueAtQuantile(0.999), 9990);
  EXPECT_EQ(histogram.ValueAtQuantile(1.0), milliseconds(10));
  EXPECT_EQ(histogram.ValueAtQuantile(0.0), microseconds(1));
  EXPECT_EQ(histogram.min(), microseconds(1));
  EXPECT_NEAR(static_cast<double>(histogram.mean().count()), 5000500.0, 1.0);
}

TEST(LatencyHistogram, ATailIsNotAveragedAway) {
  LatencyHistogram histogram;
  for (int i = 0; i < 990; ++i) histogram.Record(milliseconds(1));
  for (int i = 0; i < 10; ++i) histogram.Record(milliseconds(500));
  EXPECT_LE(histogram.ValueAtQuantile(0.99), microseconds(1008));
  EXPECT_GE(histogram.ValueAtQuantile(0.991), milliseconds(496));
  EXPECT_EQ(histogram.max(), milliseconds(500));
}

TEST(LatencyHistogram, MergeEqualsRecordingEverythingInOne) {
  std::mt19937_64 random(7);
  std::uniform_int_distribution<int64_t> spread(1, 50'000'000);
  LatencyHistogram all, first, second;
  for (int i = 0; i < 5000; ++i) {
    const nanoseconds value(spread(random));
    all.Record(value);
    (i % 3 == 0 ? first : second).Record(value);
  }
  first.Merge(second);
  EXPECT_EQ(first.count(), all.count());
  EXPECT_EQ(first.max(), all.max());
  EXPECT_EQ(first.min(), all.min());
  for (double q : {0.5, 0.9, 0.99, 0.999})
    EXPECT_EQ(first.ValueAtQuantile(q), all.ValueAtQuantile(q)) << q;
}

TEST(LatencyHistogram, EmptyAndNegative) {
  LatencyHistogram histogram;
  EXPECT_EQ(histogram.ValueAtQuantile(0.99), nanoseconds(0));
  EXPECT_EQ(histogram.min(), nanoseconds(0));
  EXPECT_EQ(histogram.mean(), nanoseconds(0));
  histogram.Record(nanoseconds(-5));
  EXPECT_EQ(histogram.count(), 1u);
  EXPECT_EQ(histogram.max(), nanoseconds(0));
}

}  // namespace
}  // namespace webhookd::bench
