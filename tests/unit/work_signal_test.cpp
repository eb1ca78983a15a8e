// The wake-up call between pipeline stages: notices kept until taken, one worker per notice.
#include "core/work_signal.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>

namespace webhookd {
namespace {

using std::chrono::milliseconds;

TEST(WorkSignal, ANoticeGivenWhileNobodyWaitsIsKeptForTheNextWait) {
  WorkSignal signal;
  signal.Notify();
  const auto started = std::chrono::steady_clock::now();
  EXPECT_TRUE(signal.WaitFor(milliseconds(10000)));
  EXPECT_LT(std::chrono::steady_clock::now() - started, milliseconds(5000));
}

TEST(WorkSignal, ANoticeIsTakenOnce) {
  WorkSignal signal;
  signal.Notify();
  signal.Notify();  // work arriving twice before anyone looks: one look takes both
  EXPECT_TRUE(signal.WaitFor(milliseconds(10)));
  EXPECT_FALSE(signal.WaitFor(milliseconds(10)));
}

TEST(WorkSignal, OneNoticeWakesOneOfTwoWaitingWorkers) {
  // Whether or not both wait before the notice, exactly one takes it and the
  // other waits out its time.
  WorkSignal signal;
  std::atomic<int> woken{0};
  const auto wait = [&] { woken += signal.WaitFor(milliseconds(300)) ? 1 : 0; };
  std::thread first(wait);
  std::thread second(wait);
  std::this_thread::sleep_for(milliseconds(50));
  signal.Notify();
  first.join();
  second.join();
  EXPECT_EQ(woken, 1);
}

TEST(WorkSignal, NotifyAllLeavesANoticeForAWorkerNotYetWaiting) {
  WorkSignal signal;
  signal.NotifyAll();
  EXPECT_TRUE(signal.WaitFor(milliseconds(10000)));
}

}  // namespace
}  // namespace webhookd
