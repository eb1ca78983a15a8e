// PostgreSQL: claiming verified events for handlers under row locks, and outcomes.
#include "storage/processing_queue.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <fmt/format.h>
#include <thread>

#include "storage/migrations.hpp"
#include "tests/support/test_database.hpp"

namespace webhookd::testing {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

class ProcessingQueuePgTest : public ::testing::Test {
 protected:
  void SetUp() override {
    connection_ = database_.Connect();
    auto version = ApplyMigrations(*connection_);
    ASSERT_TRUE(version.ok()) << version.error().detail;
  }

  // A verified row due `age_s` seconds ago; `extra` sets further columns.
  void InsertVerified(const std::string& event_id, int age_s = 0, const std::string& extra = "") {
    database_.Scalar(fmt::format(
        "INSERT INTO paypro_events (event_id, event_type, raw_body, verified_body, state, verified_at,"
        " next_attempt_at) VALUES ('{0}', 'payment.paid', '{{\"id\":\"{0}\"}}',"
        " '{{\"id\":\"{0}\",\"verified\":true}}', 'verified', now(), now() - make_interval(secs => {1}))",
        event_id, age_s));
    if (!extra.empty()) {
      database_.Scalar(fmt::format("UPDATE paypro_events SET {} WHERE event_id = '{}'", extra, event_id));
    }
  }

  std::string Column(const std::string& event_id, const std::string& expression) {
    return database_.Scalar(fmt::format("SELECT ({}) FROM paypro_events WHERE event_id = '{}'", expression, event_id));
  }

  static std::vector<std::string> Ids(const std::vector<ProcessingClaim>& claims) {
    std::vector<std::string> ids;
    for (const ProcessingClaim& claim : claims) ids.push_back(claim.event_id);
    return ids;
  }

  static std::vector<std::string> SortedIds(const std::vector<ProcessingClaim>& claims) {
    std::vector<std::string> ids = Ids(claims);
    std::sort(ids.begin(), ids.end());
    return ids;
  }

  std::vector<ProcessingClaim> ClaimAndCommit(int limit) {
    pqxx::work tx(*connection_);
    auto claims = ClaimForProcessing(tx, limit);
    tx.commit();
    return claims;
  }

  TestDatabase database_;
  std::unique_ptr<pqxx::connection> connection_;
};

using Ids_ = std::vector<std::string>;

TEST_F(ProcessingQueuePgTest, ClaimsVerifiedAndDueFailedRowsOldestFirst) {
  InsertVerified("EVNEW1", 10);
  InsertVerified("EVOLD1", 300);
  InsertVerified("EVFAILEDDUE1", 100, "state = 'failed', attempts = 2");
  InsertVerified("EVFAILEDLATER1", 0, "state = 'failed', next_attempt_at = now() + interval '1 hour'");
  InsertVerified("EVLATER1", 0, "next_attempt_at = now() + interval '1 hour'");
  InsertVerified("EVRECEIVED1", 500, "state = 'received'");
  InsertVerified("EVPROCESSED1", 500, "state = 'processed'");
  InsertVerified("EVDEAD1", 500, "state = 'dead'");
  InsertVerified("EVREJECTED1", 500, "state = 'rejected'");

  pqxx::work tx(*connection_);
  const std::vector<ProcessingClaim> claims = ClaimForProcessing(tx, 10);
  EXPECT_EQ(Ids(claims), (Ids_{"EVOLD1", "EVFAILEDDUE1", "EVNEW1"}));
  ASSERT_EQ(claims.size(), 3u);
  EXPECT_EQ(claims[0].verified_body, R"({"id":"EVOLD1","verified":true})");
  EXPECT_EQ(claims[0].attempts, 0);
  EXPECT_EQ(claims[1].attempts, 2);
}

TEST_F(ProcessingQueuePgTest, RespectsLimit) {
  for (int i = 0; i < 5; ++i) InsertVerified(fmt::format("EVLIM{}", i), 100 - i);
  pqxx::work tx(*connection_);
  EXPECT_EQ(Ids(ClaimForProcessing(tx, 2)), (Ids_{"EVLIM0", "EVLIM1"}));
}

TEST_F(ProcessingQueuePgTest, ClaimLocksRowsUntilTheTransactionEnds) {
  for (int i = 0; i < 3; ++i) InsertVerified(fmt::format("EVLOCK{}", i), 100 - i);
  auto other_connection = database_.Connect();
  {
    pqxx::work first(*connection_);
    EXPECT_EQ(Ids(ClaimForProcessing(first, 2)), (Ids_{"EVLOCK0", "EVLOCK1"}));
    {
      pqxx::work second(*other_connection);
      EXPECT_EQ(Ids(ClaimForProcessing(second, 10)), (Ids_{"EVLOCK2"}));
    }
    {
      pqxx::work third(*other_connection);
      EXPECT_EQ(Ids(ClaimForProcessing(third, 10)), (Ids_{"EVLOCK2"})) << "an aborted claim must not keep locks";
      third.commit();
    }
    // `first` rolls back here, as a dying worker's transaction would.
  }
  pqxx::work after(*other_connection);
  EXPECT_EQ(SortedIds(ClaimForProcessing(after, 10)), (Ids_{"EVLOCK0", "EVLOCK1", "EVLOCK2"}));
}

TEST_F(ProcessingQueuePgTest, ConcurrentTransactionsNeverShareARow) {
  for (int i = 0; i < 60; ++i) InsertVerified(fmt::format("EVCON{:03}", i), i);
  constexpr int kWorkers = 4;
  std::vector<std::vector<std::string>> claimed(kWorkers);
  std::vector<std::thread> workers;
  for (int w = 0; w < kWorkers; ++w) {
    workers.emplace_back([&, w] {
      auto connection = database_.Connect();
      while (true) {
        pqxx::work tx(*connection);
        const auto claims = ClaimForProcessing(tx, 4);
        if (claims.empty()) break;
        std::vector<std::string> ids;
        for (const ProcessingClaim& claim : claims) ids.push_back(claim.event_id);
        MarkProcessed(tx, ids);
        tx.commit();
        claimed[w].insert(claimed[w].end(), ids.begin(), ids.end());
      }
    });
  }
  for (std::thread& worker : workers) worker.join();
  std::vector<std::string> all;
  for (const auto& ids : claimed) all.insert(all.end(), ids.begin(), ids.end());
  std::sort(all.begin(), all.end());
  EXPECT_EQ(std::adjacent_find(all.begin(), all.end()), all.end()) << "a row was processed twice";
  EXPECT_EQ(all.size(), 60u);
  EXPECT_EQ(database_.Scalar("SELECT count(*) FROM paypro_events WHERE state = 'processed'"), "60");
}

TEST_F(ProcessingQueuePgTest, MarkProcessedSetsStateAndTime) {
  InsertVerified("EVDONE1", 10, "state = 'failed', attempts = 3, last_error = 'handler x failed'");
  InsertVerified("EVDONE2", 5);
  InsertVerified("EVUNTOUCHED1", 1);
  {
    pqxx::work tx(*connection_);
    MarkProcessed(tx, {"EVDONE1", "EVDONE2"});
    tx.commit();
  }
  for (const char* id : {"EVDONE1", "EVDONE2"}) {
    EXPECT_EQ(Column(id, "state"), "processed") << id;
    EXPECT_EQ(Column(id, "processed_at IS NOT NULL AND processed_at <= now()"), "t") << id;
    EXPECT_EQ(Column(id, "last_error IS NULL"), "t") << id;
  }
  EXPECT_EQ(Column("EVDONE1", "attempts"), "3");
  EXPECT_EQ(Column("EVUNTOUCHED1", "state"), "verified");
  EXPECT_EQ(Column("EVUNTOUCHED1", "processed_at IS NULL"), "t");
  EXPECT_EQ(Ids(ClaimAndCommit(10)), (Ids_{"EVUNTOUCHED1"}));
}

TEST_F(ProcessingQueuePgTest, MarkProcessedWithNoIdsDoesNothing) {
  InsertVerified("EVSTAY1");
  pqxx::work tx(*connection_);
  MarkProcessed(tx, {});
  tx.commit();
  EXPECT_EQ(Column("EVSTAY1", "state"), "verified");
}

TEST_F(ProcessingQueuePgTest, MarkProcessedRollsBackWithItsTransaction) {
  InsertVerified("EVROLLBACK1");
  {
    pqxx::work tx(*connection_);
    ASSERT_EQ(ClaimForProcessing(tx, 10).size(), 1u);
    MarkProcessed(tx, {"EVROLLBACK1"});
  }
  EXPECT_EQ(Column("EVROLLBACK1", "state"), "verified");
  EXPECT_EQ(Ids(ClaimAndCommit(10)), (Ids_{"EVROLLBACK1"}));
}

TEST_F(ProcessingQueuePgTest, MarkFailedCountsAnAttemptAndDelays) {
  InsertVerified("EVFAIL1", 0, "attempts = 1");
  {
    pqxx::work tx(*connection_);
    MarkFailed(tx, "EVFAIL1", "handler audit: disk full", seconds(120), false);
    tx.commit();
  }
  EXPECT_EQ(Column("EVFAIL1", "state"), "failed");
  EXPECT_EQ(Column("EVFAIL1", "attempts"), "2");
  EXPECT_EQ(Column("EVFAIL1", "last_error"), "handler audit: disk full");
  EXPECT_EQ(Column("EVFAIL1", "next_attempt_at BETWEEN now() + interval '118 seconds' AND now() + interval '121 seconds'"),
            "t");
  EXPECT_EQ(Column("EVFAIL1", "processed_at IS NULL"), "t");
  EXPECT_TRUE(ClaimAndCommit(10).empty());
}

TEST_F(ProcessingQueuePgTest, MarkFailedDeadIsNeverClaimedAgain) {
  InsertVerified("EVDEAD2", 0, "attempts = 9");
  {
    pqxx::work tx(*connection_);
    MarkFailed(tx, "EVDEAD2", "handler audit: gave up", milliseconds(0), true);
    tx.commit();
  }
  EXPECT_EQ(Column("EVDEAD2", "state"), "dead");
  EXPECT_EQ(Column("EVDEAD2", "attempts"), "10");
  EXPECT_EQ(Column("EVDEAD2", "last_error"), "handler audit: gave up");
  std::this_thread::sleep_for(milliseconds(50));
  EXPECT_TRUE(ClaimAndCommit(10).empty());
}

TEST_F(ProcessingQueuePgTest, FailedRowBecomesDueOnlyAfterItsDelay) {
  InsertVerified("EVBACKOFF1");
  {
    pqxx::work tx(*connection_);
    ASSERT_EQ(ClaimForProcessing(tx, 10).size(), 1u);
    MarkFailed(tx, "EVBACKOFF1", "boom", milliseconds(800), false);
    tx.commit();
  }
  EXPECT_TRUE(ClaimAndCommit(10).empty());
  std::this_thread::sleep_for(milliseconds(400));
  EXPECT_TRUE(ClaimAndCommit(10).empty());
  std::this_thread::sleep_for(milliseconds(600));
  const auto claims = ClaimAndCommit(10);
  ASSERT_EQ(Ids(claims), (Ids_{"EVBACKOFF1"}));
  EXPECT_EQ(claims[0].attempts, 1);
}

TEST_F(ProcessingQueuePgTest, SkipsEventsWhoseDatabaseHandlersRan) {
  InsertVerified("EVDBDONE1", 10, "db_done = true");
  InsertVerified("EVPENDING1", 5);
  EXPECT_EQ(Ids(ClaimAndCommit(10)), (Ids_{"EVPENDING1"}));
}

TEST_F(ProcessingQueuePgTest, EventsAboutOneResourceGoInPayProsOrder) {
  // Due order is the reverse of PayPro's order, which must win per resource.
  InsertVerified("EVFIRST1", 10, "resource_id = 'PP1', paypro_created_at = '2024-01-01T10:00:00Z'");
  InsertVerified("EVSECOND1", 100, "resource_id = 'PP1', paypro_created_at = '2024-01-01T10:05:00Z'");
  InsertVerified("EVOTHER1", 50, "resource_id = 'PP2', paypro_created_at = '2024-01-01T10:10:00Z'");
  // Both of PP1's events are due: they come in one claim, in PayPro's order.
  EXPECT_EQ(Ids(ClaimAndCommit(10)), (Ids_{"EVOTHER1", "EVFIRST1", "EVSECOND1"}));
  // With room for one, only the head of the longest-waiting queue.
  {
    pqxx::work tx(*connection_);
    EXPECT_EQ(Ids(ClaimForProcessing(tx, 2)), (Ids_{"EVOTHER1", "EVFIRST1"}));
  }
  {
    pqxx::work tx(*connection_);
    MarkProcessed(tx, {"EVFIRST1", "EVOTHER1"});
    tx.commit();
  }
  EXPECT_EQ(Ids(ClaimAndCommit(10)), (Ids_{"EVSECOND1"}));
}

TEST_F(ProcessingQueuePgTest, ARunOfOneResourceStopsAtAnEventNotYetDue) {
  InsertVerified("EVRUN1", 30, "resource_id = 'PP5', paypro_created_at = '2024-01-01T10:00:00Z'");
  InsertVerified("EVRUN2", 30, "resource_id = 'PP5', paypro_created_at = '2024-01-01T10:01:00Z'");
  InsertVerified("EVRUN3", 30, "resource_id = 'PP5', paypro_created_at = '2024-01-01T10:02:00Z', state = 'received'");
  InsertVerified("EVRUN4", 30, "resource_id = 'PP5', paypro_created_at = '2024-01-01T10:03:00Z'");
  EXPECT_EQ(Ids(ClaimAndCommit(10)), (Ids_{"EVRUN1", "EVRUN2"}));
}

TEST_F(ProcessingQueuePgTest, RowsLockedByAnotherWorkerCutTheRunThere) {
  InsertVerified("EVCUT1", 30, "resource_id = 'PP6', paypro_created_at = '2024-01-01T10:00:00Z'");
  InsertVerified("EVCUT2", 30, "resource_id = 'PP6', paypro_created_at = '2024-01-01T10:01:00Z'");
  InsertVerified("EVCUT3", 30, "resource_id = 'PP6', paypro_created_at = '2024-01-01T10:02:00Z'");
  InsertVerified("EVFREE1", 20, "resource_id = 'PP7', paypro_created_at = '2024-01-01T10:00:00Z'");
  auto other_connection = database_.Connect();
  pqxx::work other(*other_connection);
  other.exec("SELECT 1 FROM paypro_events WHERE event_id = 'EVCUT2' FOR UPDATE");
  {
    pqxx::work tx(*connection_);
    EXPECT_EQ(Ids(ClaimForProcessing(tx, 10)), (Ids_{"EVCUT1", "EVFREE1"})) << "EVCUT3 must wait behind EVCUT2";
  }
  other.exec("SELECT 1 FROM paypro_events WHERE event_id = 'EVCUT1' FOR UPDATE");
  pqxx::work tx(*connection_);
  EXPECT_EQ(Ids(ClaimForProcessing(tx, 10)), (Ids_{"EVFREE1"})) << "a queue whose head is taken is not claimed at all";
}

TEST_F(ProcessingQueuePgTest, ConcurrentClaimsTakeDifferentHeads) {
  for (int i = 0; i < 4; ++i) {
    InsertVerified(fmt::format("EVHEAD{}", i), 40 - i,
                   fmt::format("resource_id = 'PPH{}', paypro_created_at = '2024-01-01T10:00:00Z'", i));
  }
  auto other_connection = database_.Connect();
  pqxx::work first(*connection_);
  EXPECT_EQ(Ids(ClaimForProcessing(first, 2)), (Ids_{"EVHEAD0", "EVHEAD1"}));
  pqxx::work second(*other_connection);
  EXPECT_EQ(Ids(ClaimForProcessing(second, 2)), (Ids_{"EVHEAD2", "EVHEAD3"}))
      << "a second worker must find the heads after the first worker's, not only the taken ones";
}

TEST_F(ProcessingQueuePgTest, HandlersAfterTheClaimPlanWithTheSessionsSettings) {
  // (A claim that took nothing leaves them: no handler runs after it.)
  InsertVerified("EVPLAN1", 10);
  pqxx::work tx(*connection_);
  ASSERT_EQ(ClaimForProcessing(tx, 10).size(), 1u);
  EXPECT_EQ(tx.exec1("SHOW enable_bitmapscan")[0].as<std::string>(), "on");
  EXPECT_EQ(tx.exec1("SHOW enable_seqscan")[0].as<std::string>(), "on");
}

TEST_F(ProcessingQueuePgTest, FailedEarlierEventHoldsBackLaterOnesUntilDeadOrDone) {
  InsertVerified("EVFIRST2", 0,
                 "resource_id = 'PP3', paypro_created_at = '2024-01-01T10:00:00Z', state = 'failed',"
                 " next_attempt_at = now() + interval '1 hour'");
  InsertVerified("EVSECOND2", 10, "resource_id = 'PP3', paypro_created_at = '2024-01-01T10:05:00Z'");
  EXPECT_TRUE(ClaimAndCommit(10).empty());
  {
    pqxx::work tx(*connection_);
    MarkFailed(tx, "EVFIRST2", "gave up", milliseconds(0), true);
    tx.commit();
  }
  EXPECT_EQ(Ids(ClaimAndCommit(10)), (Ids_{"EVSECOND2"}));
}

}  // namespace
}  // namespace webhookd::testing
