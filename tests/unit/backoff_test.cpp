// Tests for retry delays: doubling, cap, jitter bounds, Retry-After.
#include "daemon/backoff.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <climits>
#include <cstdint>

namespace webhookd {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

constexpr milliseconds kInitial{1000};
constexpr milliseconds kMax{600'000};

TEST(RetryDelay, DoublesPerFailureWithZeroJitterAtHalfTheBase) {
  EXPECT_EQ(RetryDelay(1, kInitial, kMax, 0.0), milliseconds(500));
  EXPECT_EQ(RetryDelay(2, kInitial, kMax, 0.0), milliseconds(1000));
  EXPECT_EQ(RetryDelay(3, kInitial, kMax, 0.0), milliseconds(2000));
  EXPECT_EQ(RetryDelay(4, kInitial, kMax, 0.0), milliseconds(4000));
  EXPECT_EQ(RetryDelay(10, kInitial, kMax, 0.0), milliseconds(256'000));
}

TEST(RetryDelay, ZeroFailuresCountsAsTheFirst) {
  EXPECT_EQ(RetryDelay(0, kInitial, kMax, 0.0), milliseconds(500));
  EXPECT_EQ(RetryDelay(-3, kInitial, kMax, 0.0), milliseconds(500));
}

TEST(RetryDelay, JitterNearOneGivesAlmostTheFullBase) {
  EXPECT_EQ(RetryDelay(1, kInitial, kMax, 0.5), milliseconds(750));
  EXPECT_EQ(RetryDelay(1, kInitial, kMax, 0.999999), milliseconds(999));
  EXPECT_EQ(RetryDelay(3, kInitial, kMax, 0.999999), milliseconds(3999));
}

TEST(RetryDelay, CapsAtMax) {
  // 1 s * 2^9 = 512 s < 600 s; 2^10 s = 1024 s is capped.
  EXPECT_EQ(RetryDelay(10, kInitial, kMax, 0.999999), milliseconds(511'999));
  EXPECT_EQ(RetryDelay(11, kInitial, kMax, 0.0), milliseconds(300'000));
  EXPECT_EQ(RetryDelay(11, kInitial, kMax, 0.999999), milliseconds(599'999));
  EXPECT_EQ(RetryDelay(30, kInitial, kMax, 0.0), milliseconds(300'000));
}

TEST(RetryDelay, HugeFailureCountsDoNotOverflow) {
  for (const int failures : {41, 62, 63, 64, 1000, INT_MAX}) {
    EXPECT_EQ(RetryDelay(failures, kInitial, kMax, 0.0), milliseconds(300'000)) << failures;
    EXPECT_EQ(RetryDelay(failures, kInitial, kMax, 0.999999), milliseconds(599'999)) << failures;
  }
  // A cap beyond what 2^40 doublings reach stays finite and positive.
  const milliseconds huge_max{INT64_C(1) << 62};
  const milliseconds delay = RetryDelay(INT_MAX, kInitial, huge_max, 0.0);
  EXPECT_GT(delay.count(), 0);
  EXPECT_EQ(delay, milliseconds(INT64_C(1000) << 39));
}

TEST(RetryDelay, StaysWithinJitterBoundsForRandomDraws) {
  for (int failures = 1; failures <= 12; ++failures) {
    const int64_t base = std::min<int64_t>(kInitial.count() << (failures - 1), kMax.count());
    for (int i = 0; i < 200; ++i) {
      const double jitter = JitterDraw();
      ASSERT_GE(jitter, 0.0);
      ASSERT_LT(jitter, 1.0);
      const milliseconds delay = RetryDelay(failures, kInitial, kMax, jitter);
      ASSERT_GE(delay.count(), base / 2) << failures;
      ASSERT_LT(delay.count(), base) << failures;
    }
  }
}

TEST(RetryDelay, RetryAfterIsALowerBound) {
  EXPECT_EQ(RetryDelay(1, kInitial, kMax, 0.0, seconds(30)), milliseconds(30'000));
  EXPECT_EQ(RetryDelay(1, kInitial, kMax, 0.0, seconds(0)), milliseconds(500));
  // A shorter Retry-After does not shorten our own backoff.
  EXPECT_EQ(RetryDelay(5, kInitial, kMax, 0.0, seconds(1)), milliseconds(8000));
  // It is honoured even past our cap: the server knows when it can take us.
  EXPECT_EQ(RetryDelay(1, kInitial, kMax, 0.0, seconds(3600)), milliseconds(3'600'000));
}

TEST(JitterDraw, VariesBetweenDraws) {
  const double first = JitterDraw();
  bool varied = false;
  for (int i = 0; i < 10 && !varied; ++i) varied = JitterDraw() != first;
  EXPECT_TRUE(varied);
}

}  // namespace
}  // namespace webhookd
