// Where claims start in a queue index: a floor, and from the front every period.
#include "storage/claim_floor.hpp"

#include <gtest/gtest.h>

#include <cmath>

namespace webhookd {
namespace {

using std::chrono::seconds;

const auto kStart = std::chrono::steady_clock::time_point() + std::chrono::hours(1);

bool FromTheFront(double from) { return std::isinf(from) && from < 0; }

TEST(ClaimFloor, FirstClaimStartsAtTheFront) {
  ClaimFloor floor;
  EXPECT_TRUE(FromTheFront(floor.Next(kStart)));
}

TEST(ClaimFloor, NextClaimStartsAMarginBeforeTheOldestDueTimeClaimed) {
  ClaimFloor floor(seconds(5));
  floor.Next(kStart);
  floor.Claimed(1000.5);
  EXPECT_DOUBLE_EQ(floor.Next(kStart + seconds(1)), 1000.5 - ClaimFloor::kMarginSeconds);
  floor.Claimed(1200.0);
  EXPECT_DOUBLE_EQ(floor.Next(kStart + seconds(2)), 1200.0 - ClaimFloor::kMarginSeconds);
}

TEST(ClaimFloor, AClaimThatTookNothingKeepsTheFloor) {
  ClaimFloor floor(seconds(5));
  floor.Next(kStart);
  floor.Claimed(1000.0);
  floor.Next(kStart + seconds(1));
  floor.Claimed(std::nullopt);
  EXPECT_DOUBLE_EQ(floor.Next(kStart + seconds(2)), 1000.0 - ClaimFloor::kMarginSeconds);
}

TEST(ClaimFloor, EveryPeriodOneClaimStartsAtTheFront) {
  ClaimFloor floor(seconds(5));
  floor.Next(kStart);
  floor.Claimed(1000.0);
  EXPECT_FALSE(FromTheFront(floor.Next(kStart + seconds(4))));
  EXPECT_TRUE(FromTheFront(floor.Next(kStart + seconds(5))));
  EXPECT_FALSE(FromTheFront(floor.Next(kStart + seconds(6)))) << "one claim from the front per period";
  EXPECT_TRUE(FromTheFront(floor.Next(kStart + seconds(10))));
}

TEST(ClaimFloor, AnOlderClaimFromTheFrontLowersTheFloor) {
  ClaimFloor floor(seconds(5));
  floor.Next(kStart);
  floor.Claimed(1000.0);
  floor.Next(kStart + seconds(5));
  floor.Claimed(10.0);  // an event due long ago, behind the floor
  EXPECT_DOUBLE_EQ(floor.Next(kStart + seconds(6)), 10.0 - ClaimFloor::kMarginSeconds);
}

}  // namespace
}  // namespace webhookd
