// PostgreSQL: claims of received events (row locks) and the verification outcomes.
#include "storage/verification_queue.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <fmt/format.h>
#include <functional>
#include <pqxx/pqxx>
#include <set>
#include <thread>

#include "storage/migrations.hpp"
#include "tests/support/test_database.hpp"

namespace webhookd::testing {
namespace {

using Kind = VerificationResult::Kind;
using std::chrono::milliseconds;
using std::chrono::seconds;

constexpr milliseconds kIdleLimit = std::chrono::minutes(1);

// Stores `results` in `tx` as the verifier does, in one message.
void Record(pqxx::transaction_base& tx, const std::vector<VerificationResult>& results,
            const std::vector<std::string>& processed = {}) {
  if (const std::string sql = RecordVerificationSql(tx, results, processed); !sql.empty()) tx.exec0(sql);
}

class VerificationQueuePgTest : public ::testing::Test {
 protected:
  void SetUp() override {
    connection_ = database_.Connect();
    auto version = ApplyMigrations(*connection_);
    ASSERT_TRUE(version.ok()) << version.error().detail;
  }

  // A received webhook row; `extra` is SQL for further columns, e.g. "state = 'verified'".
  void Insert(const std::string& event_id, const std::string& extra = "") {
    Exec(fmt::format("INSERT INTO paypro_events (event_id, event_type, raw_body) VALUES ('{0}', 'payment.paid',"
                     " '{{\"id\":\"{0}\"}}')",
                     event_id));
    if (!extra.empty()) Exec(fmt::format("UPDATE paypro_events SET {} WHERE event_id = '{}'", extra, event_id));
  }

  void Exec(const std::string& sql) { database_.Scalar(sql); }

  std::string Column(const std::string& event_id, const std::string& expression) {
    return database_.Scalar(fmt::format("SELECT ({}) FROM paypro_events WHERE event_id = '{}'", expression, event_id));
  }

  // Sorted: claims promise which rows, not in what order they come back.
  static std::vector<std::string> Ids(const std::vector<ClaimedEvent>& claimed) {
    std::vector<std::string> ids;
    for (const ClaimedEvent& event : claimed) ids.push_back(event.event_id);
    std::sort(ids.begin(), ids.end());
    return ids;
  }

  static const ClaimedEvent* Find(const std::vector<ClaimedEvent>& claimed, std::string_view event_id) {
    for (const ClaimedEvent& event : claimed) {
      if (event.event_id == event_id) return &event;
    }
    return nullptr;
  }

  static VerificationResult Verified(const std::string& event_id) {
    VerificationResult result;
    result.event_id = event_id;
    result.kind = Kind::kVerified;
    result.copy = {"payment.canceled", "payment", "PP123456", "2023-06-30T12:44:36Z",
                   fmt::format(R"({{"id":"{}","event_type":"payment.canceled"}})", event_id)};
    return result;
  }

  static VerificationResult Outcome(const std::string& event_id, Kind kind, std::string error = {},
                                    milliseconds delay = milliseconds(0)) {
    VerificationResult result;
    result.event_id = event_id;
    result.kind = kind;
    result.error = std::move(error);
    result.delay = delay;
    return result;
  }

  // A verifier's round: claims up to `limit`, records `outcome` for each
  // claimed event (verified without one) and commits. The claimed ids, sorted.
  std::vector<std::string> Round(pqxx::connection& connection, int limit, ClaimFloor* floor = nullptr,
                                 const std::function<VerificationResult(const std::string&)>& outcome = Verified) {
    pqxx::work tx(connection);
    const std::vector<ClaimedEvent> claimed = ClaimForVerification(tx, limit, kIdleLimit, floor);
    std::vector<VerificationResult> results;
    for (const ClaimedEvent& event : claimed) results.push_back(outcome(event.event_id));
    Record(tx, results);
    tx.commit();
    return Ids(claimed);
  }

  // Claims every due event and records `results` in the same transaction.
  void ClaimAndRecord(const std::vector<VerificationResult>& results, const std::vector<std::string>& processed = {}) {
    pqxx::work tx(*connection_);
    ASSERT_EQ(ClaimForVerification(tx, 100, kIdleLimit).size(), results.size());
    Record(tx, results, processed);
    tx.commit();
  }

  // Whether another connection could lock the row now.
  bool Lockable(const std::string& event_id) {
    try {
      database_.Scalar(fmt::format("SELECT event_id FROM paypro_events WHERE event_id = '{}' FOR UPDATE NOWAIT",
                                   event_id));
      return true;
    } catch (const pqxx::sql_error&) {
      return false;
    }
  }

  // A verified result about `resource_id`, created at `created_at` by PayPro's copy.
  static VerificationResult About(const std::string& event_id, const std::string& resource_id,
                                  const std::string& created_at) {
    VerificationResult result = Verified(event_id);
    result.copy.resource_id = resource_id;
    result.copy.created_at = created_at;
    return result;
  }

  TestDatabase database_;
  std::unique_ptr<pqxx::connection> connection_;
};

TEST_F(VerificationQueuePgTest, ClaimsOnlyReceivedDueRows) {
  Insert("EVDUE1");
  Insert("EVLATER1", "next_attempt_at = now() + interval '1 hour'");
  Insert("EVVERIFIED1", "state = 'verified'");
  Insert("EVFAILED1", "state = 'failed'");
  // A lease an earlier version wrote means nothing now.
  Insert("EVOLDLEASE1", "lease_owner = 'old-daemon', lease_until = now() + interval '1 minute'");
  Insert("EVPOSTED1", "event_type = 'customer.created', attempts = 3, next_attempt_at = now() - interval '2 minutes'");

  pqxx::work tx(*connection_);
  const std::vector<ClaimedEvent> claimed = ClaimForVerification(tx, 10, kIdleLimit);
  EXPECT_EQ(Ids(claimed), (std::vector<std::string>{"EVDUE1", "EVOLDLEASE1", "EVPOSTED1"}));
  const ClaimedEvent* posted = Find(claimed, "EVPOSTED1");
  ASSERT_NE(posted, nullptr);
  EXPECT_EQ(posted->posted_type, "customer.created");
  EXPECT_EQ(posted->attempts, 3);
  const ClaimedEvent* due = Find(claimed, "EVDUE1");
  ASSERT_NE(due, nullptr);
  EXPECT_EQ(due->posted_type, "payment.paid");
  EXPECT_EQ(due->attempts, 0);
  // The claim's planner settings end with ProcessableNow, before any handler
  // runs in the same transaction: the handlers are planned as the operator's
  // database would plan them.
  EXPECT_EQ(tx.exec1("SHOW enable_bitmapscan")[0].as<std::string>(), "off");
  ProcessableNow(tx, {Verified("EVDUE1")});
  EXPECT_EQ(tx.exec1("SHOW enable_bitmapscan")[0].as<std::string>(), "on");
  EXPECT_EQ(tx.exec1("SHOW enable_seqscan")[0].as<std::string>(), "on");
}

// The row locks are the claim: held while the round's transaction lasts, so
// nobody else claims or changes the rows, and gone with it.
TEST_F(VerificationQueuePgTest, ClaimedRowsAreLockedUntilTheRoundsTransactionEnds) {
  Insert("EVONE1");
  auto other = database_.Connect();
  {
    pqxx::work tx(*connection_);
    ASSERT_EQ(ClaimForVerification(tx, 10, kIdleLimit).size(), 1u);
    EXPECT_FALSE(Lockable("EVONE1"));
    pqxx::work other_tx(*other);
    EXPECT_TRUE(ClaimForVerification(other_tx, 10, kIdleLimit).empty()) << "claimed twice";
    other_tx.commit();
    tx.commit();
  }
  EXPECT_TRUE(Lockable("EVONE1"));
  EXPECT_EQ(Column("EVONE1", "state || ' ' || attempts || ' ' || (updated_at = received_at)"), "received 0 true")
      << "a claim itself changes no column";
  pqxx::work other_tx(*other);
  EXPECT_EQ(Ids(ClaimForVerification(other_tx, 10, kIdleLimit)), (std::vector<std::string>{"EVONE1"}));
}

// A worker (or its daemon, or the network) dies mid-round: PostgreSQL ends
// its session, and the events are claimable at once, with no lease to wait for.
TEST_F(VerificationQueuePgTest, AClaimEndsWithItsWorkersSession) {
  Insert("EVDIES1");
  auto dying = database_.Connect();
  pqxx::work dying_tx(*dying);
  ASSERT_EQ(ClaimForVerification(dying_tx, 10, kIdleLimit).size(), 1u);
  const std::string pid = dying_tx.exec1("SELECT pg_backend_pid()")[0].as<std::string>();
  {
    pqxx::work tx(*connection_);
    EXPECT_TRUE(ClaimForVerification(tx, 10, kIdleLimit).empty());
  }
  database_.Scalar("SELECT pg_terminate_backend(" + pid + ")");
  // The session ends a moment after the signal.
  std::vector<std::string> claimed;
  for (int i = 0; i < 50 && claimed.empty(); ++i) {
    claimed = Round(*connection_, 10);
    if (claimed.empty()) std::this_thread::sleep_for(milliseconds(20));
  }
  EXPECT_EQ(claimed, (std::vector<std::string>{"EVDIES1"}));
  EXPECT_EQ(Column("EVDIES1", "state"), "verified");
}

// A worker whose client vanished without closing its connection (a frozen
// host) leaves its transaction idle: PostgreSQL ends it after the claim's idle limit.
TEST_F(VerificationQueuePgTest, AClaimLeftIdleBeyondItsLimitIsEnded) {
  Insert("EVIDLE1");
  auto frozen = database_.Connect();
  pqxx::work frozen_tx(*frozen);
  ASSERT_EQ(ClaimForVerification(frozen_tx, 10, milliseconds(300)).size(), 1u);
  EXPECT_FALSE(Lockable("EVIDLE1"));
  std::this_thread::sleep_for(milliseconds(1000));
  EXPECT_TRUE(Lockable("EVIDLE1")) << "the idle claim should have been ended";
  EXPECT_EQ(Round(*connection_, 10), (std::vector<std::string>{"EVIDLE1"}));
  EXPECT_ANY_THROW(frozen_tx.exec1("SELECT 1"));
}

TEST_F(VerificationQueuePgTest, RespectsLimitOldestFirst) {
  for (int i = 0; i < 5; ++i) {
    Insert(fmt::format("EVLIMIT{}", i), fmt::format("next_attempt_at = now() - interval '{} minutes'", 10 - i));
  }
  // Four workers, each with its round's transaction open.
  std::vector<std::unique_ptr<pqxx::connection>> connections;
  std::vector<std::unique_ptr<pqxx::work>> rounds;
  std::vector<std::vector<std::string>> claimed;
  for (int worker = 0; worker < 4; ++worker) {
    connections.push_back(database_.Connect());
    rounds.push_back(std::make_unique<pqxx::work>(*connections.back()));
    claimed.push_back(Ids(ClaimForVerification(*rounds.back(), 2, kIdleLimit)));
  }
  EXPECT_EQ(claimed[0], (std::vector<std::string>{"EVLIMIT0", "EVLIMIT1"}));
  EXPECT_EQ(claimed[1], (std::vector<std::string>{"EVLIMIT2", "EVLIMIT3"}));
  EXPECT_EQ(claimed[2], (std::vector<std::string>{"EVLIMIT4"}));
  EXPECT_TRUE(claimed[3].empty());
}

TEST_F(VerificationQueuePgTest, ClaimFromAFloorFindsEventsDueBehindItAtTheNextClaimFromTheFront) {
  ClaimFloor floor(seconds(1));
  Insert("EVFLOOR1", "next_attempt_at = now() - interval '100 seconds'");
  EXPECT_EQ(Round(*connection_, 10, &floor), (std::vector<std::string>{"EVFLOOR1"}));
  // Due behind the floor (a margin before EVFLOOR1's due time), and after it.
  Insert("EVFLOOR0", "next_attempt_at = now() - interval '200 seconds'");
  Insert("EVFLOOR2", "next_attempt_at = now() - interval '50 seconds'");
  EXPECT_EQ(Round(*connection_, 10, &floor), (std::vector<std::string>{"EVFLOOR2"}));
  EXPECT_TRUE(Round(*connection_, 10, &floor).empty());
  std::this_thread::sleep_for(milliseconds(1100));
  EXPECT_EQ(Round(*connection_, 10, &floor), (std::vector<std::string>{"EVFLOOR0"}))
      << "a claim from the front comes every full-scan period";
}

TEST_F(VerificationQueuePgTest, ClaimFromAFloorSkipsTheEntriesOfEventsThatLeftTheQueue) {
  // 20,000 events verified since the index was last vacuumed: their entries
  // stay at the front of the queue index, where a claim from the front starts.
  Exec("INSERT INTO paypro_events (event_id, event_type, raw_body, state, next_attempt_at)"
       " SELECT 'EVGONE' || g, 'payment.paid', '{}', 'received', now() - interval '1 hour' + g * interval '1 ms'"
       " FROM generate_series(1, 20000) g");
  Exec("UPDATE paypro_events SET state = 'processed'");
  Insert("EVLIVE1", "next_attempt_at = now() - interval '10 seconds'");
  Insert("EVLIVE2", "next_attempt_at = now() - interval '5 seconds'");
  ClaimFloor floor;
  // A backend reports its reads at most once a second, unless told to when it next goes idle.
  const auto claim_one = [&] {
    const size_t claimed = Round(*connection_, 1, &floor).size();
    pqxx::nontransaction(*connection_).exec("SELECT pg_stat_force_next_flush()");
    return claimed;
  };
  const auto pages_read = [&] {
    return std::stoi(database_.Scalar(
        "SELECT idx_blks_hit + idx_blks_read FROM pg_statio_user_indexes WHERE indexrelname = 'paypro_events_to_verify'"));
  };
  ASSERT_EQ(claim_one(), 1u) << "from the front";
  const int before = pages_read();
  ASSERT_EQ(claim_one(), 1u) << "from the floor";
  const int after = pages_read();
  EXPECT_LT(after - before, 10) << "the claim from the floor should not walk the 20,000 entries' pages";
}

TEST_F(VerificationQueuePgTest, ConcurrentWorkersNeverShareARow) {
  constexpr int kRows = 300;
  Exec(fmt::format("INSERT INTO paypro_events (event_id, event_type, raw_body)"
                   " SELECT 'EVC' || lpad(n::text, 5, '0'), 'payment.paid', '{{}}' FROM generate_series(1, {}) n",
                   kRows));
  constexpr int kWorkers = 4;
  std::vector<std::vector<std::string>> claimed_by(kWorkers);
  std::vector<std::thread> workers;
  for (int w = 0; w < kWorkers; ++w) {
    workers.emplace_back([&, w] {
      auto connection = database_.Connect();
      while (true) {
        const std::vector<std::string> claimed = Round(*connection, 7);
        if (claimed.empty()) break;
        claimed_by[w].insert(claimed_by[w].end(), claimed.begin(), claimed.end());
      }
    });
  }
  for (std::thread& worker : workers) worker.join();
  std::set<std::string> all;
  size_t total = 0;
  for (const std::vector<std::string>& claimed : claimed_by) {
    total += claimed.size();
    all.insert(claimed.begin(), claimed.end());
  }
  EXPECT_EQ(total, static_cast<size_t>(kRows)) << "a row was claimed twice or not at all";
  EXPECT_EQ(all.size(), static_cast<size_t>(kRows));
  EXPECT_EQ(database_.Scalar("SELECT count(*) FROM paypro_events WHERE state = 'verified'"), std::to_string(kRows));
}

TEST_F(VerificationQueuePgTest, VerifiedWritesPayProsCopy) {
  Insert("EVVERIFY1", "attempts = 2, last_error = 'PayPro answered 503'");
  ClaimAndRecord({Verified("EVVERIFY1")});
  EXPECT_EQ(Column("EVVERIFY1", "state"), "verified");
  EXPECT_EQ(Column("EVVERIFY1", "event_type"), "payment.canceled");
  EXPECT_EQ(Column("EVVERIFY1", "resource_type"), "payment");
  EXPECT_EQ(Column("EVVERIFY1", "resource_id"), "PP123456");
  EXPECT_EQ(Column("EVVERIFY1", "paypro_created_at = '2023-06-30T12:44:36Z'::timestamptz"), "t");
  EXPECT_EQ(Column("EVVERIFY1", "verified_body"), R"({"id":"EVVERIFY1","event_type":"payment.canceled"})");
  EXPECT_EQ(Column("EVVERIFY1", "raw_body"), R"({"id":"EVVERIFY1"})");
  EXPECT_EQ(Column("EVVERIFY1", "verified_at IS NOT NULL"), "t");
  EXPECT_EQ(Column("EVVERIFY1", "attempts"), "0");
  EXPECT_EQ(Column("EVVERIFY1", "next_attempt_at <= now()"), "t");
  EXPECT_EQ(Column("EVVERIFY1", "last_error IS NULL"), "t");
}

TEST_F(VerificationQueuePgTest, VerifiedWithoutResourceStoresNulls) {
  Insert("EVNORES1");
  VerificationResult result = Verified("EVNORES1");
  result.copy.resource_type = "";
  result.copy.resource_id = "";
  ClaimAndRecord({result});
  EXPECT_EQ(Column("EVNORES1", "state"), "verified");
  EXPECT_EQ(Column("EVNORES1", "resource_type IS NULL AND resource_id IS NULL"), "t");
}

TEST_F(VerificationQueuePgTest, RejectedKeepsTheError) {
  Insert("EVREJECT1", "attempts = 1");
  ClaimAndRecord({Outcome("EVREJECT1", Kind::kRejected, "PayPro does not know this event (404)")});
  EXPECT_EQ(Column("EVREJECT1", "state"), "rejected");
  EXPECT_EQ(Column("EVREJECT1", "last_error"), "PayPro does not know this event (404)");
  EXPECT_EQ(Column("EVREJECT1", "attempts"), "1");
  EXPECT_EQ(Column("EVREJECT1", "verified_body IS NULL AND verified_at IS NULL"), "t");
  EXPECT_TRUE(Round(*connection_, 10).empty());
}

TEST_F(VerificationQueuePgTest, RetryCountsAnAttemptAndDelaysTheNextClaim) {
  Insert("EVRETRY1", "attempts = 4");
  ClaimAndRecord({Outcome("EVRETRY1", Kind::kRetry, "PayPro answered 503", seconds(30))});
  EXPECT_EQ(Column("EVRETRY1", "state"), "received");
  EXPECT_EQ(Column("EVRETRY1", "attempts"), "5");
  EXPECT_EQ(Column("EVRETRY1", "last_error"), "PayPro answered 503");
  EXPECT_EQ(Column("EVRETRY1", "next_attempt_at BETWEEN now() + interval '28 seconds' AND now() + interval '31 seconds'"),
            "t");
  EXPECT_TRUE(Round(*connection_, 10).empty());
}

TEST_F(VerificationQueuePgTest, ShortRetryBecomesDueAgain) {
  Insert("EVRETRY2");
  ClaimAndRecord({Outcome("EVRETRY2", Kind::kRetry, "timeout", milliseconds(500))});
  pqxx::work tx(*connection_);
  EXPECT_TRUE(ClaimForVerification(tx, 10, kIdleLimit).empty());
  tx.abort();
  std::this_thread::sleep_for(milliseconds(700));
  pqxx::work later(*connection_);
  const auto claimed = ClaimForVerification(later, 10, kIdleLimit);
  ASSERT_EQ(claimed.size(), 1u);
  EXPECT_EQ(claimed[0].attempts, 1);
}

TEST_F(VerificationQueuePgTest, ReleaseGivesTheEventBackWithoutCountingAnAttempt) {
  Insert("EVRELEASE1", "attempts = 2, last_error = 'before'");
  const std::string row_before = Column("EVRELEASE1", "paypro_events::text");
  ClaimAndRecord({Outcome("EVRELEASE1", Kind::kRelease)});
  EXPECT_EQ(Column("EVRELEASE1", "paypro_events::text"), row_before) << "the row is as it was";
  EXPECT_EQ(Round(*connection_, 10), (std::vector<std::string>{"EVRELEASE1"}));
}

TEST_F(VerificationQueuePgTest, RecordsSeveralResultsInOneCall) {
  for (const char* id : {"EVMIX1", "EVMIX2", "EVMIX3", "EVMIX4"}) Insert(id);
  ClaimAndRecord({Verified("EVMIX1"), Outcome("EVMIX2", Kind::kRejected, "404"),
                  Outcome("EVMIX3", Kind::kRetry, "503", seconds(60)), Outcome("EVMIX4", Kind::kRelease)});
  EXPECT_EQ(database_.Scalar("SELECT string_agg(event_id || '=' || state || '/' || attempts, ' ' ORDER BY event_id)"
                             " FROM paypro_events"),
            "EVMIX1=verified/0 EVMIX2=rejected/0 EVMIX3=received/1 EVMIX4=received/0");
}

TEST_F(VerificationQueuePgTest, SeveralVerifiedCopiesAreEachStoredWithTheirOwnFields) {
  for (const char* id : {"EVMANY1", "EVMANY2"}) Insert(id);
  VerificationResult second = Verified("EVMANY2");
  second.copy = {"refund.created", "refund", "RF1", "2023-07-01T08:00:00+02:00",
                 R"({"id":"EVMANY2","note":"it's \"quoted\", a \\ and \u00fc"})"};
  ClaimAndRecord({Verified("EVMANY1"), second});
  EXPECT_EQ(Column("EVMANY1", "state || ' ' || event_type || ' ' || resource_id"), "verified payment.canceled PP123456");
  EXPECT_EQ(Column("EVMANY2", "state || ' ' || event_type || ' ' || resource_type || ' ' || resource_id"),
            "verified refund.created refund RF1");
  EXPECT_EQ(Column("EVMANY2", "paypro_created_at = '2023-07-01T06:00:00Z'::timestamptz"), "t");
  EXPECT_EQ(Column("EVMANY2", "verified_body"), second.copy.body);
}

// Outcomes change only rows still received: recorded without a claim, a
// result for an event that was finished meanwhile leaves it as it is.
TEST_F(VerificationQueuePgTest, ResultForARowNoLongerReceivedChangesNothing) {
  Insert("EVGONE1");
  Insert("EVGONE2");
  Exec("UPDATE paypro_events SET state = 'processed' WHERE event_id IN ('EVGONE1', 'EVGONE2')");
  pqxx::work tx(*connection_);
  Record(tx, {Outcome("EVGONE1", Kind::kRetry, "503", seconds(60)), Verified("EVGONE2")});
  tx.commit();
  EXPECT_EQ(Column("EVGONE1", "state || ' ' || attempts"), "processed 0");
  EXPECT_EQ(Column("EVGONE2", "state || ' ' || (verified_body IS NULL)"), "processed true");
}

// After a round's transaction failed, its results are recorded in a new one
// for the events it can claim again: not those another worker claimed or
// finished meanwhile.
TEST_F(VerificationQueuePgTest, ReclaimTakesBackOnlyEventsStillReceivedAndFree) {
  for (const char* id : {"EVBACK1", "EVBACK2", "EVBACK3"}) Insert(id);
  Exec("UPDATE paypro_events SET state = 'processed' WHERE event_id = 'EVBACK2'");
  auto other_connection = database_.Connect();
  pqxx::work other(*other_connection);
  other.exec1("SELECT event_id FROM paypro_events WHERE event_id = 'EVBACK3' FOR NO KEY UPDATE");
  pqxx::work tx(*connection_);
  const std::vector<VerificationResult> kept =
      Reclaim(tx, {Verified("EVBACK1"), Outcome("EVBACK2", Kind::kRetry, "503"), Verified("EVBACK3")});
  ASSERT_EQ(kept.size(), 1u);
  EXPECT_EQ(kept[0].event_id, "EVBACK1");
  EXPECT_FALSE(Lockable("EVBACK1")) << "claimed for the rest of the transaction";
}

TEST_F(VerificationQueuePgTest, EventsProcessedInTheSameTransactionAreRecordedProcessed) {
  for (const char* id : {"EVINLINE1", "EVINLINE2"}) Insert(id);
  ClaimAndRecord({Verified("EVINLINE1"), Verified("EVINLINE2")}, {"EVINLINE2"});
  EXPECT_EQ(Column("EVINLINE1", "state || ' ' || (processed_at IS NULL)"), "verified true");
  EXPECT_EQ(Column("EVINLINE2", "state || ' ' || (processed_at IS NOT NULL) || ' ' || (verified_at IS NOT NULL)"),
            "processed true true");
  EXPECT_EQ(Column("EVINLINE2", "verified_body"), Verified("EVINLINE2").copy.body);
  EXPECT_EQ(Column("EVINLINE2", "resource_id"), "PP123456");
}

// Which verified events the verifier may process at once: those no earlier
// unfinished event of their resource waits before, as the processing claim
// orders them.
TEST_F(VerificationQueuePgTest, ProcessableNowAreTheFirstUnfinishedOfTheirResource) {
  // PP1: an earlier event still unverified (held, not claimed) holds back the later one.
  Insert("EVP1EARLY", "resource_id = 'PP1', paypro_created_at = '2026-01-01T10:00:00Z', next_attempt_at = 'infinity'");
  Insert("EVP1LATE");
  // PP2: the earlier event is processed: the later one may go.
  Insert("EVP2EARLY", "resource_id = 'PP2', paypro_created_at = '2026-01-01T10:00:00Z', state = 'processed'");
  Insert("EVP2LATE");
  // PP3: two events in the same round: the earlier by PayPro's copy goes, whatever the posted hints say.
  Insert("EVP3A", "resource_id = 'PP3', paypro_created_at = '2026-01-01T12:00:00Z'");
  Insert("EVP3B", "resource_id = 'PP3', paypro_created_at = '2026-01-01T09:00:00Z'");
  // No resource: nothing to wait for.
  Insert("EVNORES");
  // PP4: a failed earlier event, due later, holds back the later one.
  Insert("EVP4EARLY", "resource_id = 'PP4', paypro_created_at = '2026-01-01T10:00:00Z', state = 'failed',"
                      " next_attempt_at = now() + interval '1 hour'");
  Insert("EVP4LATE");
  pqxx::work tx(*connection_);
  ASSERT_EQ(ClaimForVerification(tx, 10, kIdleLimit).size(), 6u);
  VerificationResult no_resource = Verified("EVNORES");
  no_resource.copy.resource_id = "";
  const std::vector<VerificationResult> results = {
      About("EVP1LATE", "PP1", "2026-01-01T11:00:00Z"), About("EVP2LATE", "PP2", "2026-01-01T11:00:00Z"),
      About("EVP3B", "PP3", "2026-01-01T09:30:00Z"),    About("EVP3A", "PP3", "2026-01-01T08:00:00Z"),
      no_resource,                                       About("EVP4LATE", "PP4", "2026-01-01T11:00:00Z"),
      Outcome("EVP2EARLY", Kind::kRetry, "503"),
  };
  EXPECT_EQ(ProcessableNow(tx, results), (std::vector<std::string>{"EVP2LATE", "EVP3A", "EVNORES"}));
}

}  // namespace
}  // namespace webhookd::testing
