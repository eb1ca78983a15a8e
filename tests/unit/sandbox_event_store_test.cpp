// Tests for the sandbox's event store: creation, look-ups, cursor pagination.
#include <gtest/gtest.h>

#include <map>
#include <set>

#include "sandbox/base_template.hpp"
#include "sandbox/event_store.hpp"

namespace webhookd::sandbox {
namespace {

constexpr int64_t kFrozenNow = 1702292162;  // 2023-12-11T10:56:02Z

EventMix Mix(std::string_view text) { return ParseEventMix(text).value(); }

EventStore FrozenStore() {
  return EventStore(42, [] { return kFrozenNow; });
}

// Follows `next` links from the newest page to the end, returning the ids seen.
std::vector<std::string> WalkOlder(const EventStore& store, size_t limit) {
  std::vector<std::string> ids;
  std::optional<ListCursor> cursor;
  for (int pages = 0; pages < 10000; ++pages) {
    auto page = store.List(limit, cursor);
    EXPECT_TRUE(page.ok());
    for (const StoredEvent* event : page->events) ids.push_back(event->id);
    if (!page->next) break;
    cursor = page->next;
  }
  return ids;
}

TEST(SandboxEventStore, CreatesEventsWithSequenceAndFindsThemById) {
  EventStore store = FrozenStore();
  const auto events = store.Create(Mix("payment.paid"), 5);
  ASSERT_EQ(events.size(), 5u);
  EXPECT_EQ(store.size(), 5u);
  for (size_t i = 0; i < events.size(); ++i) {
    EXPECT_EQ(events[i]->sequence, i + 1);
    EXPECT_EQ(events[i]->type, "payment.paid");
    EXPECT_EQ(store.Find(events[i]->id), events[i]);
  }
  EXPECT_EQ(store.Find("EVDOESNOTEXIST00000"), nullptr);
}

TEST(SandboxEventStore, RendersTheEventObjectWithTheBaseUrl) {
  EventStore store = FrozenStore();
  const StoredEvent* event = store.Create(Mix("payment.created"), 1).front();
  const std::string body = RenderWithBase(event->body_template, "https://api.paypro.nl");
  EXPECT_NE(body.find("\"id\":\"" + event->id +
                      "\",\"type\":\"event\",\"event_type\":\"payment.created\""),
            std::string::npos)
      << body;
  EXPECT_NE(body.find("\"created_at\":\"2023-12-11T10:56:02Z\""), std::string::npos) << body;
  EXPECT_NE(body.find("\"_links\":{\"self\":\"https://api.paypro.nl/events/" + event->id + "\"}}"),
            std::string::npos)
      << body;
  EXPECT_NE(body.find("\"state\":\"open\""), std::string::npos) << body;
}

TEST(SandboxEventStore, FirstPageIsNewestFirstWithNextButNoPrev) {
  EventStore store = FrozenStore();
  const auto events = store.Create(Mix("mixed"), 25);
  auto page = store.List(10, std::nullopt);
  ASSERT_TRUE(page.ok());
  ASSERT_EQ(page->events.size(), 10u);
  EXPECT_EQ(page->events.front(), events[24]);
  EXPECT_EQ(page->events.back(), events[15]);
  EXPECT_TRUE(page->next.has_value());
  EXPECT_FALSE(page->prev.has_value());
}

TEST(SandboxEventStore, WalksEveryEventOnceNewestFirstWhileEventsAreAdded) {
  EventStore store = FrozenStore();
  const auto before = store.Create(Mix("mixed"), 47);
  std::vector<std::string> ids;
  std::optional<ListCursor> cursor;
  for (int pages = 0; pages < 100; ++pages) {
    auto page = store.List(7, cursor);
    ASSERT_TRUE(page.ok());
    for (const StoredEvent* event : page->events) ids.push_back(event->id);
    store.Create(Mix("mixed"), 3);  // newer events must not shift older pages
    if (!page->next) break;
    cursor = page->next;
  }
  ASSERT_EQ(ids.size(), before.size());
  for (size_t i = 0; i < ids.size(); ++i) EXPECT_EQ(ids[i], before[before.size() - 1 - i]->id);
}

TEST(SandboxEventStore, PrevLinkLeadsBackToNewerEntries) {
  EventStore store = FrozenStore();
  const auto events = store.Create(Mix("mixed"), 30);
  auto first = store.List(10, std::nullopt);
  auto second = store.List(10, first->next);
  ASSERT_TRUE(second.ok());
  ASSERT_TRUE(second->prev.has_value());
  EXPECT_EQ(second->events.front(), events[19]);
  auto back = store.List(10, second->prev);
  ASSERT_TRUE(back.ok());
  ASSERT_EQ(back->events.size(), 10u);
  EXPECT_EQ(back->events.front(), events[29]);
  EXPECT_EQ(back->events.back(), events[20]);
  EXPECT_FALSE(back->prev.has_value());

  // New events appear through prev once they exist.
  store.Create(Mix("mixed"), 2);
  auto from_first = store.List(10, ListCursor{ListCursor::Direction::kNewer, 30});
  ASSERT_TRUE(from_first.ok());
  ASSERT_EQ(from_first->events.size(), 2u);
  EXPECT_EQ(from_first->events.front()->sequence, 32u);
}

TEST(SandboxEventStore, LastPageHasNoNext) {
  EventStore store = FrozenStore();
  store.Create(Mix("mixed"), 20);
  auto first = store.List(10, std::nullopt);
  auto last = store.List(10, first->next);
  ASSERT_TRUE(last.ok());
  EXPECT_EQ(last->events.size(), 10u);
  EXPECT_FALSE(last->next.has_value());
  EXPECT_TRUE(last->prev.has_value());
}

TEST(SandboxEventStore, WalkCoversAllEventsForEveryLimit) {
  EventStore store = FrozenStore();
  store.Create(Mix("mixed"), 101);
  for (size_t limit : {1u, 2u, 10u, 100u}) {
    const auto ids = WalkOlder(store, limit);
    EXPECT_EQ(ids.size(), 101u) << "limit " << limit;
    EXPECT_EQ(std::set<std::string>(ids.begin(), ids.end()).size(), 101u) << "limit " << limit;
  }
}

TEST(SandboxEventStore, EmptyStoreListsNothing) {
  EventStore store = FrozenStore();
  auto page = store.List(10, std::nullopt);
  ASSERT_TRUE(page.ok());
  EXPECT_TRUE(page->events.empty());
  EXPECT_FALSE(page->next.has_value());
  EXPECT_FALSE(page->prev.has_value());
}

TEST(SandboxEventStore, RejectsLimitsOutOfBounds) {
  EventStore store = FrozenStore();
  store.Create(Mix("mixed"), 3);
  EXPECT_FALSE(store.List(0, std::nullopt).ok());
  EXPECT_FALSE(store.List(101, std::nullopt).ok());
  EXPECT_EQ(store.List(0, std::nullopt).error().code, ErrorCode::kBadRequest);
  EXPECT_TRUE(store.List(1, std::nullopt).ok());
  EXPECT_TRUE(store.List(100, std::nullopt).ok());
}

TEST(SandboxEventStore, RejectsCursorsItCannotHaveIssued) {
  EventStore store = FrozenStore();
  store.Create(Mix("mixed"), 5);
  auto older = store.List(10, ListCursor{ListCursor::Direction::kOlder, 7});
  ASSERT_FALSE(older.ok());
  EXPECT_EQ(older.error().code, ErrorCode::kBadRequest);
  EXPECT_FALSE(store.List(10, ListCursor{ListCursor::Direction::kNewer, 6}).ok());
  EXPECT_TRUE(store.List(10, ListCursor{ListCursor::Direction::kOlder, 6}).ok());
}

TEST(SandboxEventStore, EventsAboutOneResourceHaveStrictlyIncreasingTimes) {
  EventStore store = FrozenStore();  // the wall clock never moves
  const auto events = store.Create(Mix("mixed"), 2000);
  std::map<std::string, int64_t> last_time;
  size_t repeated = 0;
  for (const StoredEvent* event : events) {
    const auto found = last_time.find(event->resource_id);
    if (found != last_time.end()) {
      ++repeated;
      EXPECT_GT(event->created_at, found->second) << event->resource_id;
    }
    last_time[event->resource_id] = event->created_at;
  }
  EXPECT_GT(repeated, 300u) << "mixed events should often concern a resource seen before";
}

TEST(SandboxEventStore, LifecycleGivesEachPaymentCreatedStartedPaidInOrder) {
  EventStore store = FrozenStore();
  const auto events = store.Create(Mix("lifecycle"), 9);
  ASSERT_EQ(events.size(), 9u);
  const std::array<std::string_view, 3> order = {"payment.created", "payment.started",
                                                 "payment.paid"};
  for (size_t i = 0; i < events.size(); ++i) {
    EXPECT_EQ(events[i]->type, order[i % 3]);
    EXPECT_EQ(events[i]->resource_id, events[i - i % 3]->resource_id);
    if (i % 3 > 0) {
      EXPECT_EQ(events[i]->created_at, events[i - 1]->created_at + 1);
    }
  }
  EXPECT_NE(events[0]->resource_id, events[3]->resource_id);
  EXPECT_EQ(events[0]->created_at, kFrozenNow);
}

TEST(SandboxEventStore, ServesTheResourcesCurrentState) {
  EventStore store = FrozenStore();
  const auto events = store.Create(Mix("lifecycle"), 3);
  const std::string& payment = events[0]->resource_id;
  const auto body = store.RenderResource(ResourceKind::kPayment, payment, "http://x");
  ASSERT_TRUE(body.has_value());
  EXPECT_NE(body->find("\"state\":\"paid\""), std::string::npos) << *body;
  EXPECT_NE(body->find("\"self\":\"http://x/payments/" + payment + "\""), std::string::npos)
      << *body;
  EXPECT_NE(events[0]->body_template.find("\"state\":\"open\""), std::string::npos);
  EXPECT_FALSE(store.RenderResource(ResourceKind::kCustomer, payment, "http://x").has_value());
  EXPECT_FALSE(store.RenderResource(ResourceKind::kPayment, "PPUNKNOWN", "http://x").has_value());
}

}  // namespace
}  // namespace webhookd::sandbox
