// PostgreSQL: run records of outside handlers, their leases and renewals.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <pqxx/pqxx>
#include <thread>

#include "storage/handler_runs.hpp"
#include "storage/migrations.hpp"
#include "tests/support/test_database.hpp"

namespace webhookd::testing {
namespace {

using std::chrono::seconds;

class HandlerRunsPgTest : public ::testing::Test {
 protected:
  void SetUp() override {
    connection_ = database_.Connect();
    auto version = ApplyMigrations(*connection_);
    ASSERT_TRUE(version.ok()) << version.error().detail;
  }

  // A verified event with an open run of `handler`.
  void InsertRun(const std::string& event_id, const std::string& handler) {
    database_.Scalar(fmt::format(
        "INSERT INTO paypro_events (event_id, event_type, raw_body, verified_body, state, db_done)"
        " VALUES ('{0}', 'payment.paid', '{{\"id\":\"{0}\"}}', '{{\"id\":\"{0}\"}}', 'verified', "
        "true)",
        event_id));
    database_.Scalar(
        fmt::format("INSERT INTO paypro_handler_runs (event_id, handler) VALUES ('{}', '{}')",
                    event_id, handler));
  }

  std::string Column(const std::string& event_id, const std::string& expression) {
    return database_.Scalar(fmt::format(
        "SELECT ({}) FROM paypro_handler_runs WHERE event_id = '{}'", expression, event_id));
  }

  ClaimedRun ClaimOne(const std::string& owner, seconds lease) {
    std::vector<ClaimedRun> runs = ClaimRuns(*connection_, owner, 1, lease, {"shop"});
    EXPECT_EQ(runs.size(), 1u);
    return runs.empty() ? ClaimedRun{} : runs.front();
  }

  TestDatabase database_;
  std::unique_ptr<pqxx::connection> connection_;
};

TEST_F(HandlerRunsPgTest, RenewExtendsTheLeaseItsOwnerStillHolds) {
  InsertRun("EVRENEW1", "shop");
  const ClaimedRun run = ClaimOne("w1", seconds(1));
  EXPECT_EQ(Column("EVRENEW1", "lease_until < now() + interval '2 seconds'"), "t");

  RenewRuns(*connection_, {{"w1", run}}, seconds(60));
  EXPECT_EQ(Column("EVRENEW1", "lease_owner"), "w1");
  EXPECT_EQ(
      Column("EVRENEW1",
             "lease_until BETWEEN now() + interval '55 seconds' AND now() + interval '65 seconds'"),
      "t");
  // Past the first lease, the renewed claim still keeps other workers off.
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));
  EXPECT_TRUE(ClaimRuns(*connection_, "w2", 1, seconds(60), {"shop"}).empty());
}

TEST_F(HandlerRunsPgTest, RenewLeavesRunsTheOwnerNoLongerHolds) {
  InsertRun("EVTAKEN1", "shop");
  InsertRun("EVGIVEN1", "shop");
  const ClaimedRun taken = ClaimOne("w1", seconds(60));
  const ClaimedRun given = ClaimOne("w3", seconds(60));
  // Another worker took the first over (its lease had expired); the second
  // was given back.
  database_.Scalar(
      fmt::format("UPDATE paypro_handler_runs SET lease_owner = 'w2', lease_until = now() + "
                  "interval '5 seconds'"
                  " WHERE event_id = '{}'",
                  taken.event_id));
  ReleaseRun(*connection_, "w3", given);

  RenewRuns(*connection_, {{"w1", taken}, {"w3", given}}, seconds(600));
  EXPECT_EQ(Column(taken.event_id, "lease_owner"), "w2");
  EXPECT_EQ(Column(taken.event_id, "lease_until < now() + interval '10 seconds'"), "t");
  EXPECT_EQ(Column(given.event_id, "lease_owner IS NULL AND lease_until IS NULL"), "t");
}

TEST_F(HandlerRunsPgTest, RenewOfNothingIsHarmless) {
  RenewRuns(*connection_, {}, seconds(60));
  EXPECT_EQ(database_.Scalar("SELECT count(*) FROM paypro_handler_runs"), "0");
}

}  // namespace
}  // namespace webhookd::testing
