// Tests of stopping with a deadline: in time, after abandoning, and giving up.
#include "daemon/deadline_stop.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <memory>
#include <thread>

namespace webhookd {
namespace {

using std::chrono::milliseconds;
using Clock = std::chrono::steady_clock;

TEST(StopByDeadline, WaitsForAStopThatEndsInTime) {
  std::atomic<bool> abandoned{false};
  std::atomic<bool> gave_up{false};
  const DeadlineStop steps{[] { std::this_thread::sleep_for(milliseconds(100)); },
                           [&] { abandoned = true; }, [&] { gave_up = true; }};
  const auto started = Clock::now();
  EXPECT_TRUE(StopByDeadline(steps, started + milliseconds(2000), milliseconds(1000)));
  EXPECT_GE(Clock::now() - started, milliseconds(100));
  EXPECT_LT(Clock::now() - started, milliseconds(1500));
  EXPECT_FALSE(abandoned);
  EXPECT_FALSE(gave_up);
}

TEST(StopByDeadline, AbandonsAtTheDeadlineSoTheStopCanEnd) {
  std::atomic<bool> abandoned{false};
  std::atomic<bool> gave_up{false};
  const DeadlineStop steps{[&] {
                             while (!abandoned) std::this_thread::sleep_for(milliseconds(5));
                           },
                           [&] { abandoned = true; }, [&] { gave_up = true; }};
  const auto started = Clock::now();
  EXPECT_TRUE(StopByDeadline(steps, started + milliseconds(200), milliseconds(2000)));
  EXPECT_GE(Clock::now() - started, milliseconds(200));
  EXPECT_LT(Clock::now() - started, milliseconds(1500));
  EXPECT_TRUE(abandoned);
  EXPECT_FALSE(gave_up);
}

TEST(StopByDeadline, AbandonsAgainWhatStartsDuringTheGrace) {
  std::atomic<int> abandoned{0};
  const DeadlineStop steps{[&] {
                             while (abandoned < 3) std::this_thread::sleep_for(milliseconds(5));
                           },
                           [&] { ++abandoned; }, [] {}};
  const auto started = Clock::now();
  EXPECT_TRUE(StopByDeadline(steps, started + milliseconds(100), milliseconds(3000)));
  EXPECT_EQ(abandoned, 3);
  EXPECT_GE(Clock::now() - started, milliseconds(100) + 2 * kAbandonEvery);
  EXPECT_LT(Clock::now() - started, milliseconds(2000));
}

TEST(StopByDeadline, GivesUpAfterTheGraceAndLeavesTheStopRunning) {
  // Shared, since the stop outlives the call on its detached thread.
  auto release = std::make_shared<std::atomic<bool>>(false);
  auto ended = std::make_shared<std::atomic<bool>>(false);
  std::atomic<bool> gave_up{false};
  const DeadlineStop steps{[release, ended] {
                             while (!*release) std::this_thread::sleep_for(milliseconds(5));
                             *ended = true;
                           },
                           [] {}, [&] { gave_up = true; }};
  const auto started = Clock::now();
  EXPECT_FALSE(StopByDeadline(steps, started + milliseconds(100), milliseconds(100)));
  EXPECT_GE(Clock::now() - started, milliseconds(200));
  EXPECT_TRUE(gave_up);
  EXPECT_FALSE(*ended);
  *release = true;
  for (int i = 0; i < 200 && !*ended; ++i) std::this_thread::sleep_for(milliseconds(5));
  EXPECT_TRUE(*ended);
}

}  // namespace
}  // namespace webhookd
