// PostgreSQL: the inbox writer group-commits webhooks and answers every caller.
#include "storage/inbox_writer.hpp"

#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

#include <condition_variable>
#include <fmt/format.h>
#include <mutex>
#include <thread>
#include <vector>

#include "storage/migrations.hpp"
#include "tests/support/io_thread.hpp"
#include "tests/support/test_database.hpp"

namespace webhookd::testing {
namespace {

using std::chrono::milliseconds;

// Collects the outcomes that `done` callbacks report, from any thread.
class Outcomes {
 public:
  std::function<void(Status)> Callback() {
    return [this](Status status) {
      std::lock_guard lock(mutex_);
      if (status.ok()) {
        ++ok_;
      } else {
        codes_.push_back(status.error().code);
      }
      changed_.notify_all();
    };
  }

  /// Waits until `count` outcomes arrived; false on timeout.
  bool WaitFor(size_t count, milliseconds timeout = milliseconds(30000)) {
    std::unique_lock lock(mutex_);
    return changed_.wait_for(lock, timeout, [&] { return ok_ + codes_.size() >= count; });
  }

  size_t ok() {
    std::lock_guard lock(mutex_);
    return ok_;
  }
  std::vector<ErrorCode> failures() {
    std::lock_guard lock(mutex_);
    return codes_;
  }

 private:
  std::mutex mutex_;
  std::condition_variable changed_;
  size_t ok_ = 0;
  std::vector<ErrorCode> codes_;
};

std::string EventId(int n) { return fmt::format("EVT{:06}", n); }

InboxItem Item(const std::string& event_id, Outcomes& outcomes) {
  return InboxItem{PostedEvent{event_id, "payment.paid", "", ""}, fmt::format(R"({{"id":"{}","event_type":"payment.paid"}})", event_id),
                   outcomes.Callback()};
}

class InboxWriterPgTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto connection = database_.Connect();
    auto version = ApplyMigrations(*connection);
    ASSERT_TRUE(version.ok()) << version.error().detail;
  }

  int64_t Rows() { return std::stoll(database_.Scalar("SELECT count(*) FROM paypro_events")); }

  TestDatabase database_;
  WorkSignal stored_;
  InboxStats stats_;
  IoThread io_;  // the writer's connections are driven from it, as from the daemon's I/O thread
};

TEST_F(InboxWriterPgTest, ConcurrentSubmitsAllCommitInFewerTransactions) {
  constexpr int kThreads = 8;
  constexpr int kPerThread = 250;
  constexpr int kTotal = kThreads * kPerThread;
  DatabaseConfig config;
  Outcomes outcomes;
  InboxWriter writer(io_.executor(), Secret(database_.url()), config, stored_, stats_);
  writer.Start();
  std::atomic<int> refused{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) {
        if (!writer.Submit(Item(EventId(t * kPerThread + i), outcomes))) ++refused;
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  ASSERT_EQ(refused.load(), 0);
  ASSERT_TRUE(outcomes.WaitFor(kTotal)) << outcomes.ok() << " of " << kTotal << " answered";
  writer.Stop();
  EXPECT_EQ(outcomes.ok(), static_cast<size_t>(kTotal));
  EXPECT_TRUE(outcomes.failures().empty());
  EXPECT_EQ(Rows(), kTotal);
  EXPECT_EQ(stats_.rows_committed.load(), static_cast<uint64_t>(kTotal));
  EXPECT_GT(stats_.batches.load(), 0u);
  EXPECT_LT(stats_.batches.load(), static_cast<uint64_t>(kTotal)) << "no group commit happened";
  EXPECT_EQ(database_.Scalar("SELECT count(*) FROM paypro_events WHERE state = 'received' AND attempts = 0"
                             " AND event_type = 'payment.paid' AND raw_body::json->>'id' = event_id"),
            std::to_string(kTotal));
}

// Several I/O threads (server.threads) drive the connections too, and any of
// them may run the epoll that wakes a connection. Every call must be answered.
// (The missed wake-up AsyncPgConnection::Wait guards against needs a window of
// microseconds; with that guard removed, eight runs of this test still passed.)
TEST_F(InboxWriterPgTest, ManySmallBatchesOnSeveralIoThreadsAllAnswered) {
  constexpr int kTotal = 3000;
  IoThread io(4);
  DatabaseConfig config;
  config.max_batch = 3;  // many statements, many waits
  config.queue_capacity = kTotal;
  Outcomes outcomes;
  InboxWriter writer(io.executor(), Secret(database_.url()), config, stored_, stats_);
  writer.Start();
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = t; i < kTotal; i += 4) {
        ASSERT_TRUE(writer.Submit(Item(EventId(i), outcomes)).ok());
        if (i % 64 == 0) std::this_thread::sleep_for(milliseconds(1));  // idle connections, then a wake-up
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  ASSERT_TRUE(outcomes.WaitFor(kTotal, milliseconds(60000))) << outcomes.ok() << " of " << kTotal << " answered";
  writer.Stop();
  EXPECT_EQ(outcomes.ok(), static_cast<size_t>(kTotal));
  EXPECT_EQ(Rows(), kTotal);
}

TEST_F(InboxWriterPgTest, DuplicateSubmitsGiveOneRowAndAllOk) {
  DatabaseConfig config;
  Outcomes outcomes;
  InboxWriter writer(io_.executor(), Secret(database_.url()), config, stored_, stats_);
  writer.Start();
  std::vector<std::thread> threads;
  for (int t = 0; t < 5; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 10; ++i) ASSERT_TRUE(writer.Submit(Item("EVDUPLICATE1", outcomes)).ok());
    });
  }
  for (std::thread& thread : threads) thread.join();
  ASSERT_TRUE(outcomes.WaitFor(50));
  writer.Stop();
  EXPECT_EQ(outcomes.ok(), 50u);
  EXPECT_TRUE(outcomes.failures().empty());
  EXPECT_EQ(Rows(), 1);
  EXPECT_EQ(database_.Scalar("SELECT event_id FROM paypro_events"), "EVDUPLICATE1");
}

TEST_F(InboxWriterPgTest, ConnectionsAreNamedInboxInPgStatActivity) {
  DatabaseConfig config;
  Outcomes outcomes;
  InboxWriter writer(io_.executor(), Secret(database_.url()), config, stored_, stats_);
  writer.Start();
  ASSERT_TRUE(writer.Submit(Item("EVNAMED1", outcomes)).ok());
  ASSERT_TRUE(outcomes.WaitFor(1));
  EXPECT_EQ(outcomes.ok(), 1u);
  // The connection that stored the call is open; the other may still be opening.
  EXPECT_GE(std::stoi(database_.Scalar("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
                                       " AND application_name = 'paypro-webhookd-inbox'")),
            1);
  writer.Stop();
}

TEST_F(InboxWriterPgTest, DuplicateOfAStoredEventIsOkAndKeepsTheFirstBody) {
  DatabaseConfig config;
  Outcomes outcomes;
  InboxWriter writer(io_.executor(), Secret(database_.url()), config, stored_, stats_);
  writer.Start();
  ASSERT_TRUE(writer.Submit(InboxItem{PostedEvent{"EVFIRST1", "payment.paid", "", ""}, R"({"id":"EVFIRST1","n":1})", outcomes.Callback()}));
  ASSERT_TRUE(outcomes.WaitFor(1));
  ASSERT_TRUE(writer.Submit(InboxItem{PostedEvent{"EVFIRST1", "payment.paid", "", ""}, R"({"id":"EVFIRST1","n":2})", outcomes.Callback()}));
  ASSERT_TRUE(outcomes.WaitFor(2));
  writer.Stop();
  EXPECT_EQ(outcomes.ok(), 2u);
  EXPECT_EQ(database_.Scalar("SELECT raw_body FROM paypro_events WHERE event_id = 'EVFIRST1'"),
            R"({"id":"EVFIRST1","n":1})");
}

// The batch travels as array literals: every body and hint must come back
// byte for byte, whatever it holds, and empty hints as NULL.
TEST_F(InboxWriterPgTest, BodiesAndHintsAreStoredExactlyWhateverTheyHold) {
  const std::vector<std::string> bodies = {
      R"({"id":"EVTEXT01","note":"quote \" backslash \\ brace { } comma , NULL"})",
      R"({"id":"EVTEXT02","note":"caf\u00e9 – ünïcode 💶","tab":"\t"})",
      "{\"id\":\"EVTEXT03\",\n \"spaces\" :  \"  leading and trailing  \"}\n",
      R"({"id":"EVTEXT04","note":"\\\\\"\""})",
      R"({"id":"EVTEXT05"})",
  };
  DatabaseConfig config;
  Outcomes outcomes;
  InboxWriter writer(io_.executor(), Secret(database_.url()), config, stored_, stats_);
  for (size_t i = 0; i < bodies.size(); ++i) {
    const std::string id = fmt::format("EVTEXT{:02}", i + 1);
    // The second is a resource's event with a creation time; the others post neither.
    PostedEvent event = i == 1 ? PostedEvent{id, "payment.paid", "PP123", "2026-11-22T01:02:03Z"}
                               : PostedEvent{id, "NULL", "", ""};
    ASSERT_TRUE(writer.Submit(InboxItem{event, bodies[i], outcomes.Callback()}));
  }
  writer.Start();  // after the submits, so that all five go in one batch
  ASSERT_TRUE(outcomes.WaitFor(bodies.size()));
  writer.Stop();
  EXPECT_EQ(stats_.batches.load(), 1u);
  for (size_t i = 0; i < bodies.size(); ++i) {
    const std::string id = fmt::format("EVTEXT{:02}", i + 1);
    EXPECT_EQ(database_.Scalar("SELECT raw_body FROM paypro_events WHERE event_id = '" + id + "'"), bodies[i]) << id;
  }
  EXPECT_EQ(database_.Scalar("SELECT count(*) FROM paypro_events WHERE event_type = 'NULL' AND resource_id IS NULL"
                             " AND paypro_created_at IS NULL"),
            "4");
  EXPECT_EQ(database_.Scalar("SELECT resource_id || ' ' || to_char(paypro_created_at AT TIME ZONE 'UTC',"
                             " 'YYYY-MM-DD HH24:MI:SS') FROM paypro_events WHERE event_id = 'EVTEXT02'"),
            "PP123 2026-11-22 01:02:03");
}

// A batch far larger than a socket's buffer goes out in pieces, each when the
// socket takes more, without blocking the thread that drives it.
TEST_F(InboxWriterPgTest, BatchLargerThanTheSocketBufferIsStoredWhole) {
  constexpr int kItems = 24;
  DatabaseConfig config;
  config.inbox_writers = 1;
  Outcomes outcomes;
  InboxWriter writer(io_.executor(), Secret(database_.url()), config, stored_, stats_);
  for (int i = 0; i < kItems; ++i) {
    const std::string id = EventId(i);
    const std::string body = fmt::format(R"({{"id":"{}","padding":"{}"}})", id, std::string(1024 * 1024, 'x'));
    ASSERT_TRUE(writer.Submit(InboxItem{PostedEvent{id, "payment.paid", "", ""}, body, outcomes.Callback()}));
  }
  writer.Start();
  ASSERT_TRUE(outcomes.WaitFor(kItems));
  writer.Stop();
  EXPECT_EQ(outcomes.ok(), static_cast<size_t>(kItems));
  EXPECT_EQ(stats_.batches.load(), 1u);
  EXPECT_EQ(database_.Scalar("SELECT count(*) FROM paypro_events WHERE length(raw_body) > 1024 * 1024"
                             " AND raw_body::json->>'id' = event_id"),
            std::to_string(kItems));
}

// PostgreSQL refusing a batch (here a constraint an operator added) answers
// that batch 503 and keeps storing the next ones: PayPro retries the refused.
TEST_F(InboxWriterPgTest, RefusedBatchAnswersUnavailableAndTheNextIsStored) {
  database_.Scalar("ALTER TABLE paypro_events ADD CONSTRAINT no_poison CHECK (event_type <> 'poison')"
                   " NOT VALID");
  DatabaseConfig config;
  config.inbox_writers = 1;
  Outcomes outcomes;
  InboxWriter writer(io_.executor(), Secret(database_.url()), config, stored_, stats_);
  writer.Start();
  ASSERT_TRUE(writer.Submit(InboxItem{PostedEvent{"EVPOISON1", "poison", "", ""}, R"({"id":"EVPOISON1"})",
                                      outcomes.Callback()}));
  ASSERT_TRUE(outcomes.WaitFor(1));
  EXPECT_EQ(outcomes.failures(), std::vector<ErrorCode>{ErrorCode::kUnavailable});
  EXPECT_TRUE(writer.healthy()) << "a refused statement is not an unreachable database";
  ASSERT_TRUE(writer.Submit(Item(EventId(1), outcomes)));
  ASSERT_TRUE(outcomes.WaitFor(2));
  writer.Stop();
  EXPECT_EQ(outcomes.ok(), 1u);
  EXPECT_EQ(Rows(), 1);
  EXPECT_EQ(stats_.batches.load(), 1u);
}

TEST_F(InboxWriterPgTest, FullQueueRefusesWithUnavailable) {
  DatabaseConfig config;
  config.queue_capacity = 10;
  Outcomes outcomes;
  InboxWriter writer(io_.executor(), Secret(database_.url()), config, stored_, stats_);
  int accepted = 0;
  for (int i = 0; i < 25; ++i) {
    Status submitted = writer.Submit(Item(EventId(i), outcomes));
    if (submitted.ok()) {
      ++accepted;
    } else {
      EXPECT_EQ(submitted.error().code, ErrorCode::kUnavailable);
      EXPECT_EQ(submitted.error().detail, "inbox queue full");
    }
  }
  EXPECT_EQ(accepted, 10);
  EXPECT_EQ(stats_.rejected_full.load(), 15u);
  writer.Start();
  ASSERT_TRUE(outcomes.WaitFor(10));
  writer.Stop();
  // Refused items never hear back: their caller answered 503 already.
  EXPECT_EQ(outcomes.ok(), 10u);
  EXPECT_TRUE(outcomes.failures().empty());
  EXPECT_EQ(Rows(), 10);
  EXPECT_EQ(database_.Scalar("SELECT max(event_id) FROM paypro_events"), EventId(9));
}

TEST_F(InboxWriterPgTest, UnreachableDatabaseAnswersUnavailableAndTurnsUnhealthy) {
  uint16_t closed_port = 0;
  {
    boost::asio::io_context probe;
    boost::asio::ip::tcp::acceptor acceptor(probe, {boost::asio::ip::make_address("127.0.0.1"), 0});
    closed_port = acceptor.local_endpoint().port();
  }
  DatabaseConfig config;
  config.inbox_writers = 1;
  Outcomes outcomes;
  InboxWriter writer(io_.executor(), Secret(fmt::format("postgresql://webhookd:hunter2@127.0.0.1:{}/webhookd", closed_port)), config,
                     stored_, stats_);
  ASSERT_TRUE(writer.Submit(Item(EventId(1), outcomes)));
  EXPECT_TRUE(writer.healthy());
  writer.Start();
  ASSERT_TRUE(outcomes.WaitFor(1, milliseconds(10000)));
  EXPECT_EQ(outcomes.ok(), 0u);
  EXPECT_EQ(outcomes.failures(), std::vector<ErrorCode>{ErrorCode::kUnavailable});
  EXPECT_FALSE(writer.healthy());
  Status refused = writer.Submit(Item(EventId(2), outcomes));
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, ErrorCode::kUnavailable);
  EXPECT_EQ(refused.error().detail, "database unreachable");
  EXPECT_EQ(stats_.rejected_down.load(), 1u);
  writer.Stop();
  EXPECT_EQ(stats_.batches.load(), 0u);
}

// Found by tests/faults/database_faults_test.cpp: a connection that died while
// idle (a terminated backend, an idle timeout, a restart already over) cost the
// next batch a 503 and turned the writer unhealthy although PostgreSQL was fine.
TEST_F(InboxWriterPgTest, BackendTerminatedWhileIdleIsReplacedWithoutRefusingCalls) {
  DatabaseConfig config;
  config.inbox_writers = 1;
  Outcomes outcomes;
  InboxWriter writer(io_.executor(), Secret(database_.url()), config, stored_, stats_);
  writer.Start();
  ASSERT_TRUE(writer.Submit(Item(EventId(1), outcomes)).ok());
  ASSERT_TRUE(outcomes.WaitFor(1));
  // Waits (up to 5 s) until the writer's backend is gone.
  ASSERT_EQ(database_.Scalar("SELECT count(*) FILTER (WHERE pg_terminate_backend(pid, 5000)) FROM pg_stat_activity"
                             " WHERE datname = current_database() AND pid <> pg_backend_pid()"),
            "1");
  ASSERT_TRUE(writer.Submit(Item(EventId(2), outcomes)).ok());
  ASSERT_TRUE(outcomes.WaitFor(2));
  EXPECT_EQ(outcomes.ok(), 2u) << "a call was refused although PostgreSQL was reachable";
  EXPECT_TRUE(writer.healthy());
  writer.Stop();
  EXPECT_EQ(Rows(), 2);
  EXPECT_EQ(stats_.rejected_down.load(), 0u);
}

TEST_F(InboxWriterPgTest, StopStoresEverythingQueued) {
  DatabaseConfig config;
  config.max_batch = 50;
  config.queue_capacity = 1000;
  Outcomes outcomes;
  InboxWriter writer(io_.executor(), Secret(database_.url()), config, stored_, stats_);
  for (int i = 0; i < 500; ++i) ASSERT_TRUE(writer.Submit(Item(EventId(i), outcomes)));
  writer.Start();
  writer.Stop();
  EXPECT_EQ(outcomes.ok(), 500u) << "Stop returned before answering every queued webhook";
  EXPECT_EQ(Rows(), 500);
  EXPECT_GE(stats_.batches.load(), 10u) << "max_batch 50 means at least 10 transactions for 500 rows";
  Status late = writer.Submit(Item(EventId(999), outcomes));
  ASSERT_FALSE(late.ok());
  EXPECT_EQ(late.error().code, ErrorCode::kUnavailable);
}

TEST_F(InboxWriterPgTest, NotifiesStoredSignal) {
  DatabaseConfig config;
  Outcomes outcomes;
  InboxWriter writer(io_.executor(), Secret(database_.url()), config, stored_, stats_);
  std::atomic<bool> notified{false};
  std::thread waiter([&] { notified = stored_.WaitFor(milliseconds(10000)); });
  std::this_thread::sleep_for(milliseconds(50));
  writer.Start();
  EXPECT_TRUE(writer.Submit(Item(EventId(1), outcomes)).ok());
  waiter.join();
  writer.Stop();
  EXPECT_TRUE(notified.load());
}

}  // namespace
}  // namespace webhookd::testing
