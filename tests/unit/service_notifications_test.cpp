// Tests of the sd_notify decisions: what is sent when, and the status text.
#include "daemon/service_notifications.hpp"

#include <gtest/gtest.h>

namespace webhookd {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

const SteadyClock::time_point kStart{seconds(1000)};
const Health kHealthy{};

ServiceNotifications WithWatchdog(SteadyClock::duration interval = seconds(30)) {
  return ServiceNotifications(interval, seconds(2));
}

TEST(StatusText, ShowsEveryFigure) {
  EXPECT_EQ(StatusText({12, 11, 10, 1, 3}),
            "accepted 12, verified 11, processed 10, dead 1, handlers running 3");
}

TEST(Health, DescribesWhatIsWedged) {
  EXPECT_TRUE(kHealthy.healthy());
  EXPECT_EQ(kHealthy.Describe(), "");
  const Health loops{true, {"processor", "handler runner"}};
  EXPECT_FALSE(loops.healthy());
  EXPECT_EQ(loops.Describe(), "wedged: processor, handler runner");
  const Health both{false, {"verifier"}};
  EXPECT_EQ(both.Describe(), "the listener threads do not answer; wedged: verifier");
}

TEST(ServiceNotifications, ReadyReloadAndStoppingCarryTheirState) {
  ServiceNotifications plan = WithWatchdog();
  EXPECT_EQ(plan.Ready("accepted 0"), "READY=1\nSTATUS=accepted 0");
  EXPECT_EQ(plan.Reloading(std::chrono::microseconds(123456789)),
            "RELOADING=1\nMONOTONIC_USEC=123456789\nSTATUS=reloading");
  EXPECT_EQ(plan.Reloaded("accepted 1"), "READY=1\nSTATUS=accepted 1");
  EXPECT_EQ(plan.Stopping("stopping"), "STOPPING=1\nSTATUS=stopping");
}

TEST(ServiceNotifications, PingsEveryHalfIntervalWhileHealthy) {
  ServiceNotifications plan = WithWatchdog(seconds(30));
  plan.Ready("s");
  EXPECT_EQ(plan.Tick(kStart, kHealthy, "s").message, "WATCHDOG=1");
  EXPECT_EQ(plan.Tick(kStart + seconds(1), kHealthy, "s").message, "");
  EXPECT_EQ(plan.Tick(kStart + milliseconds(14999), kHealthy, "s").message, "");
  EXPECT_EQ(plan.Tick(kStart + seconds(15), kHealthy, "s").message, "WATCHDOG=1");
  EXPECT_EQ(plan.Tick(kStart + seconds(16), kHealthy, "s").message, "");
  EXPECT_EQ(plan.Tick(kStart + seconds(30), kHealthy, "s").message, "WATCHDOG=1");
}

TEST(ServiceNotifications, StopsPingingWhileAnythingIsWedgedAndSaysWhy) {
  ServiceNotifications plan = WithWatchdog(seconds(30));
  plan.Ready("s");
  EXPECT_EQ(plan.Tick(kStart, kHealthy, "s").message, "WATCHDOG=1");
  const Health wedged{true, {"processor"}};
  const Notification lost = plan.Tick(kStart + seconds(15), wedged, "s");
  EXPECT_EQ(lost.message, "STATUS=not healthy: wedged: processor");
  EXPECT_EQ(
      lost.log,
      "not healthy, so watchdog pings stop and systemd restarts the daemon: wedged: processor");
  // However long it lasts: systemd's watchdog fires after 30 s without a ping.
  for (int second = 16; second < 120; ++second) {
    const Notification tick = plan.Tick(kStart + seconds(second), wedged, "s");
    EXPECT_EQ(tick.message.find("WATCHDOG=1"), std::string::npos) << second;
    EXPECT_EQ(tick.log, "");
  }
  const Health io_stuck{false, {}};
  // Another reason: still no ping, and the status says so.
  EXPECT_EQ(plan.Tick(kStart + seconds(120), io_stuck, "s").message,
            "STATUS=not healthy: the listener threads do not answer");
  const Notification back = plan.Tick(kStart + seconds(121), kHealthy, "s");
  EXPECT_EQ(back.message, "WATCHDOG=1\nSTATUS=s");
  EXPECT_EQ(back.log, "healthy again: watchdog pings resume");
}

TEST(ServiceNotifications, SendsStatusWhenItChangedAtMostEveryPeriod) {
  ServiceNotifications plan(std::nullopt, seconds(2));
  EXPECT_EQ(plan.Ready("accepted 0"), "READY=1\nSTATUS=accepted 0");
  EXPECT_EQ(plan.Tick(kStart, kHealthy, "accepted 0").message, "");
  EXPECT_EQ(plan.Tick(kStart + milliseconds(500), kHealthy, "accepted 1").message,
            "STATUS=accepted 1");
  EXPECT_EQ(plan.Tick(kStart + seconds(1), kHealthy, "accepted 2").message, "");
  EXPECT_EQ(plan.Tick(kStart + milliseconds(2500), kHealthy, "accepted 2").message,
            "STATUS=accepted 2");
  EXPECT_EQ(plan.Tick(kStart + seconds(10), kHealthy, "accepted 2").message, "");
}

TEST(ServiceNotifications, NeverPingsWithoutAWatchdog) {
  ServiceNotifications plan(std::nullopt, seconds(2));
  for (int second = 0; second < 100; ++second) {
    EXPECT_EQ(plan.Tick(kStart + seconds(second), kHealthy, "s").message.find("WATCHDOG"),
              std::string::npos);
  }
  EXPECT_EQ(plan.tick_period(), seconds(1));
  EXPECT_EQ(plan.slack(), ServiceNotifications::kDefaultSlack);
}

TEST(ServiceNotifications, TicksOftenEnoughForShortWatchdogs) {
  EXPECT_EQ(WithWatchdog(seconds(30)).tick_period(), seconds(1));
  EXPECT_EQ(WithWatchdog(seconds(2)).tick_period(), milliseconds(500));
  EXPECT_EQ(WithWatchdog(seconds(2)).slack(), seconds(2));
}

TEST(ServiceNotifications, KeepsAStatusOnOneLine) {
  ServiceNotifications plan(std::nullopt, seconds(2));
  EXPECT_EQ(plan.Ready("two\nlines"), "READY=1\nSTATUS=two lines");
}

}  // namespace
}  // namespace webhookd
