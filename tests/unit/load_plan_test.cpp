// Tests for the open- and closed-loop schedule.
#include "bench/load_plan.hpp"

#include <gtest/gtest.h>

namespace webhookd::bench {
namespace {

using std::chrono::milliseconds;
using std::chrono::nanoseconds;
using std::chrono::seconds;

LoadPlan OpenLoop(double rate, seconds duration) {
  LoadPlan plan;
  plan.rate = rate;
  plan.duration = duration;
  return plan;
}

TEST(LoadPlan, OpenLoopSpacesRequestsEvenly) {
  const LoadPlan plan = OpenLoop(2000, seconds(60));
  EXPECT_EQ(IntendedOffset(plan, 0), nanoseconds(0));
  EXPECT_EQ(IntendedOffset(plan, 1), std::chrono::microseconds(500));
  EXPECT_EQ(IntendedOffset(plan, 2000), seconds(1));
  EXPECT_EQ(IntendedOffset(plan, 119'999), nanoseconds(59'999'500'000));
}

TEST(LoadPlan, OpenLoopHoldsEachRequestUntilItsTime) {
  const LoadPlan plan = OpenLoop(100, seconds(1));
  EXPECT_TRUE(MayStart(plan, 0, nanoseconds(0)));
  EXPECT_FALSE(MayStart(plan, 1, milliseconds(9)));
  EXPECT_TRUE(MayStart(plan, 1, milliseconds(10)));
  EXPECT_TRUE(MayStart(plan, 5, milliseconds(500)));
}

TEST(LoadPlan, OpenLoopEndsWithTheDurationButLateRequestsMayStillGo) {
  const LoadPlan plan = OpenLoop(100, seconds(1));
  EXPECT_TRUE(InPlan(plan, 99));
  EXPECT_FALSE(InPlan(plan, 100));  // meant for t = 1 s: outside
  EXPECT_TRUE(MayStart(plan, 99, seconds(3)));
  EXPECT_FALSE(MayStart(plan, 100, seconds(3)));
}

TEST(LoadPlan, ClosedLoopStartsAnythingUntilTheDurationEnds) {
  LoadPlan plan;
  plan.duration = seconds(2);
  EXPECT_EQ(IntendedOffset(plan, 1000), nanoseconds(0));
  EXPECT_TRUE(MayStart(plan, 1'000'000, milliseconds(1999)));
  EXPECT_FALSE(MayStart(plan, 0, seconds(2)));
}

TEST(LoadPlan, MaxRequestsCapsBothModes) {
  LoadPlan closed;
  closed.max_requests = 10;
  EXPECT_TRUE(MayStart(closed, 9, nanoseconds(0)));
  EXPECT_FALSE(MayStart(closed, 10, nanoseconds(0)));
  LoadPlan open = OpenLoop(1000, seconds(10));
  open.max_requests = 3;
  EXPECT_FALSE(InPlan(open, 3));
}

TEST(LoadPlan, ThreadsInterleaveOneGlobalNumbering) {
  EXPECT_EQ(RequestNumber(0, 0, 2), 0u);
  EXPECT_EQ(RequestNumber(0, 1, 2), 1u);
  EXPECT_EQ(RequestNumber(3, 1, 2), 7u);
  EXPECT_EQ(RequestNumber(5, 0, 1), 5u);
}

}  // namespace
}  // namespace webhookd::bench
