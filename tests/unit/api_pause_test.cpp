#include "daemon/api_pause.hpp"

#include <gtest/gtest.h>

namespace webhookd {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

constexpr seconds kLongest{600};

TEST(ApiPause, NothingWaitsBeforeAnyAnswer) { EXPECT_EQ(ApiPause().Remaining().count(), 0); }

TEST(ApiPause, RateLimitWithRetryAfterPausesForThatLong) {
  ApiPause pause;
  const auto now = ApiPause::Clock::now();
  pause.Observe(429, seconds(3), kLongest, now);
  EXPECT_EQ(pause.Remaining(now), milliseconds(3000));
  EXPECT_EQ(pause.Remaining(now + seconds(1)), milliseconds(2000));
  EXPECT_EQ(pause.Remaining(now + seconds(3)), milliseconds(0));
}

// Workers tell a new pause from one they have already seen by its end.
TEST(ApiPause, EndIsTheLatestPausesEnd) {
  ApiPause pause;
  EXPECT_EQ(pause.End(), ApiPause::Clock::time_point{});
  const auto now = ApiPause::Clock::now();
  pause.Observe(429, seconds(3), kLongest, now);
  EXPECT_EQ(pause.End(), now + seconds(3));
  pause.Observe(429, seconds(1), kLongest, now);
  EXPECT_EQ(pause.End(), now + seconds(3));
  pause.Observe(503, seconds(5), kLongest, now + seconds(10));
  EXPECT_EQ(pause.End(), now + seconds(15));
}

TEST(ApiPause, UnavailableWithRetryAfterPausesToo) {
  ApiPause pause;
  const auto now = ApiPause::Clock::now();
  pause.Observe(503, seconds(2), kLongest, now);
  EXPECT_EQ(pause.Remaining(now), milliseconds(2000));
}

TEST(ApiPause, OtherAnswersAndMissingRetryAfterDoNotPause) {
  ApiPause pause;
  const auto now = ApiPause::Clock::now();
  pause.Observe(500, seconds(5), kLongest, now);
  pause.Observe(200, seconds(5), kLongest, now);
  pause.Observe(0, std::nullopt, kLongest, now);
  pause.Observe(429, std::nullopt, kLongest, now);
  pause.Observe(429, seconds(0), kLongest, now);
  EXPECT_EQ(pause.Remaining(now).count(), 0);
}

TEST(ApiPause, ALaterShorterRetryAfterDoesNotShortenThePause) {
  ApiPause pause;
  const auto now = ApiPause::Clock::now();
  pause.Observe(429, seconds(10), kLongest, now);
  pause.Observe(429, seconds(1), kLongest, now + seconds(1));
  EXPECT_EQ(pause.Remaining(now + seconds(1)), milliseconds(9000));
  pause.Observe(429, seconds(20), kLongest, now + seconds(1));
  EXPECT_EQ(pause.Remaining(now + seconds(1)), milliseconds(20000));
}

TEST(ApiPause, AWildRetryAfterIsCutToTheLongestPause) {
  ApiPause pause;
  const auto now = ApiPause::Clock::now();
  pause.Observe(429, seconds(86400 * 30), seconds(60), now);
  EXPECT_EQ(pause.Remaining(now), milliseconds(60000));
}

}  // namespace
}  // namespace webhookd
