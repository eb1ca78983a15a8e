// Tests for the due-time queue that feeds a batch's delivery threads.
#include <gtest/gtest.h>

#include <thread>

#include "sandbox/delivery_queue.hpp"

namespace webhookd::sandbox {
namespace {

using std::chrono::milliseconds;

TEST(SandboxDeliveryQueue, HandsOutDueJobsInPushOrderThenFinishes) {
  DeliveryQueue queue;
  StoredEvent a, b;
  const auto now = DeliveryClock::now();
  queue.Push({&a, 0, false}, now);
  queue.Push({&b, 0, false}, now);
  auto first = queue.Pop();
  ASSERT_TRUE(first.has_value());
  EXPECT_EQ(first->event, &a);
  queue.Done();
  auto second = queue.Pop();
  ASSERT_TRUE(second.has_value());
  EXPECT_EQ(second->event, &b);
  queue.Done();
  EXPECT_FALSE(queue.Pop().has_value());
}

TEST(SandboxDeliveryQueue, WaitsForARetryThatIsNotYetDue) {
  DeliveryQueue queue;
  StoredEvent event;
  queue.Push({&event, 0, false}, DeliveryClock::now());
  auto job = queue.Pop();
  ASSERT_TRUE(job.has_value());
  const auto start = DeliveryClock::now();
  queue.Push({&event, 1, false}, start + milliseconds(50));
  queue.Done();
  auto retry = queue.Pop();
  ASSERT_TRUE(retry.has_value());
  EXPECT_EQ(retry->attempts, 1);
  EXPECT_GE(DeliveryClock::now() - start, milliseconds(45));
  queue.Done();
}

TEST(SandboxDeliveryQueue, AnIdleThreadWaitsWhileAnotherJobIsInFlight) {
  DeliveryQueue queue;
  StoredEvent event;
  queue.Push({&event, 0, false}, DeliveryClock::now());
  ASSERT_TRUE(queue.Pop().has_value());
  std::optional<DeliveryJob> seen;
  std::thread other([&] { seen = queue.Pop(); });
  std::this_thread::sleep_for(milliseconds(20));
  queue.Push({&event, 1, false}, DeliveryClock::now());  // the in-flight job's retry
  queue.Done();
  other.join();
  ASSERT_TRUE(seen.has_value());
  EXPECT_EQ(seen->attempts, 1);
}

TEST(SandboxDeliveryQueue, StopReleasesWaitingThreads) {
  DeliveryQueue queue;
  StoredEvent event;
  queue.Push({&event, 0, false}, DeliveryClock::now() + std::chrono::hours(1));
  std::thread waiter([&] { EXPECT_FALSE(queue.Pop().has_value()); });
  std::this_thread::sleep_for(milliseconds(10));
  queue.Stop();
  waiter.join();
  EXPECT_TRUE(queue.stopped());
}

}  // namespace
}  // namespace webhookd::sandbox
