// Tests of the rule that calls a worker loop wedged, and of the registry.
#include "daemon/loop_monitor.hpp"

#include <gtest/gtest.h>

namespace webhookd {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

const SteadyClock::time_point kStart{seconds(1000)};
const RoundLimits kLimits{{"verifier", seconds(60)}, {"handler runner", seconds(300)}};

std::vector<std::string> WedgedAt(const std::vector<LoopState>& loops,
                                  SteadyClock::duration after) {
  return FindWedged(loops, kLimits, seconds(120), kStart + after, seconds(30));
}

TEST(FindWedged, AllowsARoundItsRoleLimitPlusSlack) {
  const std::vector<LoopState> loops = {{"verifier", true, kStart, {}}};
  EXPECT_TRUE(WedgedAt(loops, seconds(89)).empty());
  EXPECT_TRUE(WedgedAt(loops, seconds(90)).empty());
  EXPECT_EQ(WedgedAt(loops, seconds(91)), std::vector<std::string>{"verifier"});
}

TEST(FindWedged, GivesLongHandlersTheirOwnLimit) {
  const std::vector<LoopState> loops = {{"handler runner", true, kStart, {}}};
  EXPECT_TRUE(WedgedAt(loops, seconds(330)).empty());
  EXPECT_EQ(WedgedAt(loops, seconds(331)), std::vector<std::string>{"handler runner"});
}

TEST(FindWedged, UsesTheDefaultForRolesWithoutALimit) {
  const std::vector<LoopState> loops = {{"processor", true, kStart, {}}};
  EXPECT_TRUE(WedgedAt(loops, seconds(150)).empty());
  EXPECT_EQ(WedgedAt(loops, seconds(151)), std::vector<std::string>{"processor"});
}

TEST(FindWedged, AllowsAWaitItsOwnTimeoutPlusSlack) {
  const std::vector<LoopState> loops = {{"verifier", false, kStart, milliseconds(250)}};
  EXPECT_TRUE(WedgedAt(loops, milliseconds(30250)).empty());
  EXPECT_EQ(WedgedAt(loops, milliseconds(30251)), std::vector<std::string>{"verifier"});
}

TEST(FindWedged, NamesOnlyTheLoopsPastTheirBound) {
  const std::vector<LoopState> loops = {
      {"verifier", true, kStart, {}},
      {"processor", false, kStart + seconds(100), milliseconds(250)},
      {"handler runner", true, kStart, {}}};
  EXPECT_EQ(WedgedAt(loops, seconds(100)), std::vector<std::string>{"verifier"});
}

TEST(LoopMonitor, FollowsEachStepAndForgetsEndedLoops) {
  LoopMonitor monitor;
  monitor.SetRoundLimits({{"processor", seconds(10)}});
  {
    LoopMonitor::Registration loop = monitor.Register("processor", kStart);
    EXPECT_EQ(monitor.size(), 1u);
    EXPECT_TRUE(monitor.Wedged(kStart + seconds(12), seconds(2)).empty());
    EXPECT_EQ(monitor.Wedged(kStart + seconds(13), seconds(2)),
              std::vector<std::string>{"processor"});
    // Back from the round: waiting 250 ms is all it may do now.
    loop.Waiting(milliseconds(250), kStart + seconds(13));
    EXPECT_TRUE(monitor.Wedged(kStart + seconds(15), seconds(2)).empty());
    EXPECT_EQ(monitor.Wedged(kStart + seconds(16), seconds(2)),
              std::vector<std::string>{"processor"});
    loop.Working(kStart + seconds(16));
    EXPECT_TRUE(monitor.Wedged(kStart + seconds(20), seconds(2)).empty());
    LoopMonitor::Registration moved = std::move(loop);
    EXPECT_EQ(monitor.size(), 1u);
  }
  EXPECT_EQ(monitor.size(), 0u);
  EXPECT_TRUE(monitor.Wedged(kStart + seconds(3600), seconds(2)).empty());
}

}  // namespace
}  // namespace webhookd
