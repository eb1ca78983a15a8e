// PostgreSQL: leased claims of received events and the verification outcomes.
#include "storage/verification_queue.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <fmt/format.h>
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

  void Record(const std::string& owner, const std::vector<VerificationResult>& results,
              const std::vector<std::string>& processed = {}) {
    pqxx::work tx(*connection_);
    RecordVerification(tx, owner, results, processed);
    tx.commit();
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

TEST_F(VerificationQueuePgTest, ClaimsOnlyReceivedDueUnleasedRows) {
  Insert("EVDUE1");
  Insert("EVLATER1", "next_attempt_at = now() + interval '1 hour'");
  Insert("EVVERIFIED1", "state = 'verified'");
  Insert("EVFAILED1", "state = 'failed'");
  Insert("EVLEASED1", "lease_owner = 'other', lease_until = now() + interval '1 minute'");
  Insert("EVEXPIRED1", "lease_owner = 'dead-worker', lease_until = now() - interval '1 second',"
                       " next_attempt_at = now() - interval '1 minute'");
  Insert("EVPOSTED1", "event_type = 'customer.created', attempts = 3, next_attempt_at = now() - interval '2 minutes'");

  const std::vector<ClaimedEvent> claimed = ClaimForVerification(*connection_, "w1", 10, seconds(60));
  EXPECT_EQ(Ids(claimed), (std::vector<std::string>{"EVDUE1", "EVEXPIRED1", "EVPOSTED1"}));
  const ClaimedEvent* posted = Find(claimed, "EVPOSTED1");
  ASSERT_NE(posted, nullptr);
  EXPECT_EQ(posted->posted_type, "customer.created");
  EXPECT_EQ(posted->attempts, 3);
  const ClaimedEvent* due = Find(claimed, "EVDUE1");
  ASSERT_NE(due, nullptr);
  EXPECT_EQ(due->posted_type, "payment.paid");
  EXPECT_EQ(due->attempts, 0);
  EXPECT_EQ(Column("EVDUE1", "lease_owner"), "w1");
  EXPECT_EQ(Column("EVEXPIRED1", "lease_owner"), "w1");
  EXPECT_EQ(Column("EVDUE1", "lease_until BETWEEN now() + interval '55 seconds' AND now() + interval '65 seconds'"),
            "t");
  EXPECT_EQ(Column("EVLEASED1", "lease_owner"), "other");
  EXPECT_EQ(Column("EVLATER1", "lease_owner IS NULL"), "t");
}

TEST_F(VerificationQueuePgTest, ClaimedRowsAreNotClaimedAgainWhileLeased) {
  Insert("EVONE1");
  EXPECT_EQ(ClaimForVerification(*connection_, "w1", 10, seconds(60)).size(), 1u);
  EXPECT_TRUE(ClaimForVerification(*connection_, "w2", 10, seconds(60)).empty());
  EXPECT_TRUE(ClaimForVerification(*connection_, "w1", 10, seconds(60)).empty());
}

TEST_F(VerificationQueuePgTest, RespectsLimitOldestFirst) {
  for (int i = 0; i < 5; ++i) {
    Insert(fmt::format("EVLIMIT{}", i), fmt::format("next_attempt_at = now() - interval '{} minutes'", 10 - i));
  }
  EXPECT_EQ(Ids(ClaimForVerification(*connection_, "w1", 2, seconds(60))),
            (std::vector<std::string>{"EVLIMIT0", "EVLIMIT1"}));
  EXPECT_EQ(Ids(ClaimForVerification(*connection_, "w2", 2, seconds(60))),
            (std::vector<std::string>{"EVLIMIT2", "EVLIMIT3"}));
  EXPECT_EQ(Ids(ClaimForVerification(*connection_, "w3", 2, seconds(60))), (std::vector<std::string>{"EVLIMIT4"}));
  EXPECT_TRUE(ClaimForVerification(*connection_, "w4", 2, seconds(60)).empty());
}

TEST_F(VerificationQueuePgTest, ClaimFromAFloorFindsEventsDueBehindItAtTheNextClaimFromTheFront) {
  ClaimFloor floor(seconds(1));
  Insert("EVFLOOR1", "next_attempt_at = now() - interval '100 seconds'");
  EXPECT_EQ(Ids(ClaimForVerification(*connection_, "w1", 10, seconds(60), &floor)),
            (std::vector<std::string>{"EVFLOOR1"}));
  // Due behind the floor (a margin before EVFLOOR1's due time), and after it.
  Insert("EVFLOOR0", "next_attempt_at = now() - interval '200 seconds'");
  Insert("EVFLOOR2", "next_attempt_at = now() - interval '50 seconds'");
  EXPECT_EQ(Ids(ClaimForVerification(*connection_, "w1", 10, seconds(60), &floor)),
            (std::vector<std::string>{"EVFLOOR2"}));
  EXPECT_TRUE(ClaimForVerification(*connection_, "w1", 10, seconds(60), &floor).empty());
  std::this_thread::sleep_for(milliseconds(1100));
  EXPECT_EQ(Ids(ClaimForVerification(*connection_, "w1", 10, seconds(60), &floor)),
            (std::vector<std::string>{"EVFLOOR0"}))
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
    const size_t claimed = ClaimForVerification(*connection_, "w1", 1, seconds(60), &floor).size();
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

TEST_F(VerificationQueuePgTest, ConcurrentOwnersNeverShareARow) {
  constexpr int kRows = 300;
  Exec(fmt::format("INSERT INTO paypro_events (event_id, event_type, raw_body)"
                   " SELECT 'EVC' || lpad(n::text, 5, '0'), 'payment.paid', '{{}}' FROM generate_series(1, {}) n",
                   kRows));
  constexpr int kOwners = 4;
  std::vector<std::vector<std::string>> claimed_by(kOwners);
  std::vector<std::thread> owners;
  for (int o = 0; o < kOwners; ++o) {
    owners.emplace_back([&, o] {
      auto connection = database_.Connect();
      while (true) {
        const auto claimed = ClaimForVerification(*connection, fmt::format("owner{}", o), 7, seconds(60));
        if (claimed.empty()) break;
        for (const ClaimedEvent& event : claimed) claimed_by[o].push_back(event.event_id);
      }
    });
  }
  for (std::thread& owner : owners) owner.join();
  std::set<std::string> all;
  size_t total = 0;
  for (int o = 0; o < kOwners; ++o) {
    total += claimed_by[o].size();
    all.insert(claimed_by[o].begin(), claimed_by[o].end());
    const std::string count = database_.Scalar(fmt::format(
        "SELECT count(*) FROM paypro_events WHERE lease_owner = 'owner{}'", o));
    EXPECT_EQ(count, std::to_string(claimed_by[o].size())) << "owner" << o;
  }
  EXPECT_EQ(total, static_cast<size_t>(kRows)) << "a row was claimed twice or not at all";
  EXPECT_EQ(all.size(), static_cast<size_t>(kRows));
}

TEST_F(VerificationQueuePgTest, ExpiredLeaseIsTakenOverAndOldOwnerChangesNothing) {
  Insert("EVLEASE1");
  ASSERT_EQ(ClaimForVerification(*connection_, "w1", 10, seconds(1)).size(), 1u);
  EXPECT_TRUE(ClaimForVerification(*connection_, "w2", 10, seconds(60)).empty());
  std::this_thread::sleep_for(milliseconds(1200));
  ASSERT_EQ(Ids(ClaimForVerification(*connection_, "w2", 10, seconds(60))), (std::vector<std::string>{"EVLEASE1"}));

  Record("w1", {Verified("EVLEASE1")});
  EXPECT_EQ(Column("EVLEASE1", "state"), "received");
  EXPECT_EQ(Column("EVLEASE1", "lease_owner"), "w2");
  EXPECT_EQ(Column("EVLEASE1", "verified_body IS NULL"), "t");
  Record("w1", {Outcome("EVLEASE1", Kind::kRetry, "late", milliseconds(5000))});
  EXPECT_EQ(Column("EVLEASE1", "attempts"), "0");
  Record("w1", {Outcome("EVLEASE1", Kind::kRejected, "late")});
  EXPECT_EQ(Column("EVLEASE1", "state"), "received");
  Record("w1", {Outcome("EVLEASE1", Kind::kRelease)});
  EXPECT_EQ(Column("EVLEASE1", "lease_owner"), "w2");

  Record("w2", {Verified("EVLEASE1")});
  EXPECT_EQ(Column("EVLEASE1", "state"), "verified");
}

// A claim commits without waiting for its WAL to reach the disk, so a crash
// of PostgreSQL may lose the lease. The worker's outcome must then change
// nothing, and the event must be claimable again, by any worker.
TEST_F(VerificationQueuePgTest, LeaseLostInACrashLeavesTheEventToTheNextClaim) {
  Insert("EVLOST1");
  ASSERT_EQ(ClaimForVerification(*connection_, "w1", 10, seconds(60)).size(), 1u);
  EXPECT_EQ(pqxx::nontransaction(*connection_).exec1("SHOW synchronous_commit")[0].as<std::string>(), "on")
      << "the claim's setting must not outlive it";
  Exec("UPDATE paypro_events SET lease_owner = NULL, lease_until = NULL WHERE event_id = 'EVLOST1'");

  Record("w1", {Verified("EVLOST1")});
  EXPECT_EQ(Column("EVLOST1", "state"), "received");
  EXPECT_EQ(Column("EVLOST1", "verified_body IS NULL"), "t");
  ASSERT_EQ(Ids(ClaimForVerification(*connection_, "w2", 10, seconds(60))), (std::vector<std::string>{"EVLOST1"}));
  Record("w2", {Verified("EVLOST1")});
  EXPECT_EQ(Column("EVLOST1", "state"), "verified");
}

TEST_F(VerificationQueuePgTest, VerifiedWritesPayProsCopy) {
  Insert("EVVERIFY1", "attempts = 2, last_error = 'PayPro answered 503'");
  ASSERT_EQ(ClaimForVerification(*connection_, "w1", 10, seconds(60)).size(), 1u);
  Record("w1", {Verified("EVVERIFY1")});
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
  EXPECT_EQ(Column("EVVERIFY1", "lease_owner IS NULL AND lease_until IS NULL"), "t");
  EXPECT_EQ(Column("EVVERIFY1", "last_error IS NULL"), "t");
}

TEST_F(VerificationQueuePgTest, VerifiedWithoutResourceStoresNulls) {
  Insert("EVNORES1");
  ASSERT_EQ(ClaimForVerification(*connection_, "w1", 10, seconds(60)).size(), 1u);
  VerificationResult result = Verified("EVNORES1");
  result.copy.resource_type = "";
  result.copy.resource_id = "";
  Record("w1", {result});
  EXPECT_EQ(Column("EVNORES1", "state"), "verified");
  EXPECT_EQ(Column("EVNORES1", "resource_type IS NULL AND resource_id IS NULL"), "t");
}

TEST_F(VerificationQueuePgTest, RejectedKeepsTheErrorAndClearsTheLease) {
  Insert("EVREJECT1", "attempts = 1");
  ASSERT_EQ(ClaimForVerification(*connection_, "w1", 10, seconds(60)).size(), 1u);
  Record("w1", {Outcome("EVREJECT1", Kind::kRejected, "PayPro does not know this event (404)")});
  EXPECT_EQ(Column("EVREJECT1", "state"), "rejected");
  EXPECT_EQ(Column("EVREJECT1", "last_error"), "PayPro does not know this event (404)");
  EXPECT_EQ(Column("EVREJECT1", "attempts"), "1");
  EXPECT_EQ(Column("EVREJECT1", "lease_owner IS NULL AND lease_until IS NULL"), "t");
  EXPECT_EQ(Column("EVREJECT1", "verified_body IS NULL AND verified_at IS NULL"), "t");
  EXPECT_TRUE(ClaimForVerification(*connection_, "w2", 10, seconds(60)).empty());
}

TEST_F(VerificationQueuePgTest, RetryCountsAnAttemptAndDelaysTheNextClaim) {
  Insert("EVRETRY1", "attempts = 4");
  ASSERT_EQ(ClaimForVerification(*connection_, "w1", 10, seconds(60)).size(), 1u);
  Record("w1", {Outcome("EVRETRY1", Kind::kRetry, "PayPro answered 503", seconds(30))});
  EXPECT_EQ(Column("EVRETRY1", "state"), "received");
  EXPECT_EQ(Column("EVRETRY1", "attempts"), "5");
  EXPECT_EQ(Column("EVRETRY1", "last_error"), "PayPro answered 503");
  EXPECT_EQ(Column("EVRETRY1", "next_attempt_at BETWEEN now() + interval '28 seconds' AND now() + interval '31 seconds'"),
            "t");
  EXPECT_EQ(Column("EVRETRY1", "lease_owner IS NULL AND lease_until IS NULL"), "t");
  EXPECT_TRUE(ClaimForVerification(*connection_, "w2", 10, seconds(60)).empty());
}

TEST_F(VerificationQueuePgTest, ShortRetryBecomesDueAgain) {
  Insert("EVRETRY2");
  ASSERT_EQ(ClaimForVerification(*connection_, "w1", 10, seconds(60)).size(), 1u);
  Record("w1", {Outcome("EVRETRY2", Kind::kRetry, "timeout", milliseconds(500))});
  EXPECT_TRUE(ClaimForVerification(*connection_, "w2", 10, seconds(60)).empty());
  std::this_thread::sleep_for(milliseconds(700));
  const auto claimed = ClaimForVerification(*connection_, "w2", 10, seconds(60));
  ASSERT_EQ(claimed.size(), 1u);
  EXPECT_EQ(claimed[0].attempts, 1);
}

TEST_F(VerificationQueuePgTest, ReleaseClearsTheLeaseWithoutCountingAnAttempt) {
  Insert("EVRELEASE1", "attempts = 2, last_error = 'before'");
  const std::string due_before = Column("EVRELEASE1", "next_attempt_at");
  ASSERT_EQ(ClaimForVerification(*connection_, "w1", 10, seconds(60)).size(), 1u);
  Record("w1", {Outcome("EVRELEASE1", Kind::kRelease)});
  EXPECT_EQ(Column("EVRELEASE1", "state"), "received");
  EXPECT_EQ(Column("EVRELEASE1", "attempts"), "2");
  EXPECT_EQ(Column("EVRELEASE1", "last_error"), "before");
  EXPECT_EQ(Column("EVRELEASE1", "next_attempt_at"), due_before);
  EXPECT_EQ(Column("EVRELEASE1", "lease_owner IS NULL AND lease_until IS NULL"), "t");
  EXPECT_EQ(Ids(ClaimForVerification(*connection_, "w2", 10, seconds(60))),
            (std::vector<std::string>{"EVRELEASE1"}));
}

TEST_F(VerificationQueuePgTest, RecordsSeveralResultsInOneCall) {
  for (const char* id : {"EVMIX1", "EVMIX2", "EVMIX3", "EVMIX4"}) Insert(id);
  ASSERT_EQ(ClaimForVerification(*connection_, "w1", 10, seconds(60)).size(), 4u);
  Record("w1",
                     {Verified("EVMIX1"), Outcome("EVMIX2", Kind::kRejected, "404"),
                      Outcome("EVMIX3", Kind::kRetry, "503", seconds(60)), Outcome("EVMIX4", Kind::kRelease)});
  EXPECT_EQ(database_.Scalar("SELECT string_agg(event_id || '=' || state || '/' || attempts, ' ' ORDER BY event_id)"
                             " FROM paypro_events"),
            "EVMIX1=verified/0 EVMIX2=rejected/0 EVMIX3=received/1 EVMIX4=received/0");
  EXPECT_EQ(database_.Scalar("SELECT count(*) FROM paypro_events WHERE lease_owner IS NOT NULL"), "0");
}

TEST_F(VerificationQueuePgTest, SeveralVerifiedCopiesAreEachStoredWithTheirOwnFields) {
  for (const char* id : {"EVMANY1", "EVMANY2", "EVMANY3"}) Insert(id);
  ASSERT_EQ(ClaimForVerification(*connection_, "w1", 10, seconds(60)).size(), 3u);
  Exec("UPDATE paypro_events SET lease_owner = 'w9' WHERE event_id = 'EVMANY3'");  // taken over after expiry
  VerificationResult second = Verified("EVMANY2");
  second.copy = {"refund.created", "refund", "RF1", "2023-07-01T08:00:00+02:00",
                 R"({"id":"EVMANY2","note":"it's \"quoted\", a \\ and \u00fc"})"};
  Record("w1", {Verified("EVMANY1"), second, Verified("EVMANY3")});
  EXPECT_EQ(Column("EVMANY1", "state || ' ' || event_type || ' ' || resource_id"), "verified payment.canceled PP123456");
  EXPECT_EQ(Column("EVMANY2", "state || ' ' || event_type || ' ' || resource_type || ' ' || resource_id"),
            "verified refund.created refund RF1");
  EXPECT_EQ(Column("EVMANY2", "paypro_created_at = '2023-07-01T06:00:00Z'::timestamptz"), "t");
  EXPECT_EQ(Column("EVMANY2", "verified_body"), second.copy.body);
  EXPECT_EQ(Column("EVMANY3", "state || ' ' || lease_owner"), "received w9") << "another owner's row is left alone";
}

TEST_F(VerificationQueuePgTest, ResultForARowNoLongerReceivedChangesNothing) {
  Insert("EVGONE1");
  ASSERT_EQ(ClaimForVerification(*connection_, "w1", 10, seconds(60)).size(), 1u);
  Exec("UPDATE paypro_events SET state = 'processed' WHERE event_id = 'EVGONE1'");
  Record("w1", {Outcome("EVGONE1", Kind::kRetry, "503", seconds(60))});
  EXPECT_EQ(Column("EVGONE1", "state"), "processed");
  EXPECT_EQ(Column("EVGONE1", "attempts"), "0");
}

TEST_F(VerificationQueuePgTest, EventsProcessedInTheSameTransactionAreRecordedProcessed) {
  for (const char* id : {"EVINLINE1", "EVINLINE2"}) Insert(id);
  ASSERT_EQ(ClaimForVerification(*connection_, "w1", 10, seconds(60)).size(), 2u);
  Record("w1", {Verified("EVINLINE1"), Verified("EVINLINE2")}, {"EVINLINE2"});
  EXPECT_EQ(Column("EVINLINE1", "state || ' ' || (processed_at IS NULL)"), "verified true");
  EXPECT_EQ(Column("EVINLINE2", "state || ' ' || (processed_at IS NOT NULL) || ' ' || (verified_at IS NOT NULL)"),
            "processed true true");
  EXPECT_EQ(Column("EVINLINE2", "verified_body"), Verified("EVINLINE2").copy.body);
  EXPECT_EQ(Column("EVINLINE2", "lease_owner IS NULL AND resource_id = 'PP123456'"), "t");
}

// Which verified events the verifier may process at once: those no earlier
// unfinished event of their resource waits before, as the processing claim
// orders them, and only while their lease is still the verifier's.
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
  ASSERT_EQ(ClaimForVerification(*connection_, "w1", 10, seconds(60)).size(), 6u);
  // A row of ours whose lease another worker took over after expiry.
  Insert("EVTAKEN", "lease_owner = 'w9', lease_until = now() + interval '1 minute'");
  VerificationResult no_resource = Verified("EVNORES");
  no_resource.copy.resource_id = "";
  const std::vector<VerificationResult> results = {
      About("EVP1LATE", "PP1", "2026-01-01T11:00:00Z"), About("EVP2LATE", "PP2", "2026-01-01T11:00:00Z"),
      About("EVP3B", "PP3", "2026-01-01T09:30:00Z"),    About("EVP3A", "PP3", "2026-01-01T08:00:00Z"),
      no_resource,                                       About("EVP4LATE", "PP4", "2026-01-01T11:00:00Z"),
      About("EVTAKEN", "PP5", "2026-01-01T11:00:00Z"),   Outcome("EVP2EARLY", Kind::kRetry, "503"),
  };
  pqxx::work tx(*connection_);
  EXPECT_EQ(LockProcessableNow(tx, "w1", results), (std::vector<std::string>{"EVP2LATE", "EVP3A", "EVNORES"}));
  // Locked until the transaction ends: nobody takes the lease over meanwhile.
  auto other = database_.Connect();
  pqxx::work other_tx(*other);
  EXPECT_THROW(other_tx.exec0("SELECT 1 FROM paypro_events WHERE event_id = 'EVP3A' FOR UPDATE NOWAIT"),
               pqxx::sql_error);
}

}  // namespace
}  // namespace webhookd::testing
