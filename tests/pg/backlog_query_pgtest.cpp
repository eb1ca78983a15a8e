// PostgreSQL: the metrics sampler's backlog query, its numbers and its indexes.
#include "storage/backlog_query.hpp"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "storage/migrations.hpp"
#include "tests/support/test_database.hpp"

namespace webhookd::testing {
namespace {

class BacklogQueryPgTest : public ::testing::Test {
 protected:
  void SetUp() override {
    connection_ = database_.Connect();
    auto version = ApplyMigrations(*connection_);
    ASSERT_TRUE(version.ok()) << version.error().detail;
  }

  // An event in `state`, received and verified the given seconds ago.
  void Insert(const std::string& id, const std::string& state, int received_s_ago, int verified_s_ago = 0) {
    database_.Scalar(fmt::format(
        "INSERT INTO paypro_events (event_id, event_type, state, received_at, verified_at) VALUES ('{}',"
        " 'payment.paid', '{}', now() - interval '{} seconds', {})",
        id, state, received_s_ago,
        state == "received" ? "NULL" : fmt::format("now() - interval '{} seconds'", verified_s_ago)));
  }

  TestDatabase database_;
  std::unique_ptr<pqxx::connection> connection_;
};

TEST_F(BacklogQueryPgTest, EmptyInboxReadsAllZero) {
  const BacklogSample sample = ReadBacklog(*connection_);
  for (const int64_t count : sample.events) EXPECT_EQ(count, 0);
  EXPECT_EQ(sample.unverified, 0);
  EXPECT_EQ(sample.unprocessed, 0);
  EXPECT_EQ(sample.oldest_unverified_s, 0.0);
  EXPECT_EQ(sample.oldest_unprocessed_s, 0.0);
}

TEST_F(BacklogQueryPgTest, CountsStatesAndAgesOfTheOldestWaitingEvents) {
  Insert("EV1", "received", 120);
  Insert("EV2", "received", 30);
  Insert("EV3", "verified", 600, 40);
  Insert("EV4", "failed", 900, 300);
  Insert("EV5", "rejected", 50);
  Insert("EV6", "dead", 5000, 4000);
  Insert("EV7", "dead", 10, 5);
  Insert("EV8", "processed", 7000, 6000);

  const BacklogSample sample = ReadBacklog(*connection_);
  EXPECT_EQ(sample.events, (std::array<int64_t, 5>{2, 1, 1, 1, 2}));
  EXPECT_EQ(sample.unverified, 2);
  EXPECT_NEAR(sample.oldest_unverified_s, 120, 5);
  EXPECT_EQ(sample.unprocessed, 2);
  EXPECT_NEAR(sample.oldest_unprocessed_s, 300, 5);  // since verification, not receipt
}

// An index scan, not a bitmap scan: only an index scan marks the entries of
// events that left the open states dead, so later readings skip them.
TEST_F(BacklogQueryPgTest, EveryPartReadsThroughAPartialIndexInItsOrder) {
  const std::string plan = ExplainBacklog(*connection_);
  EXPECT_EQ(plan.find("Seq Scan"), std::string::npos) << plan;
  EXPECT_EQ(plan.find("Bitmap"), std::string::npos) << plan;
  EXPECT_NE(plan.find("paypro_events_open_by_resource"), std::string::npos) << plan;
  EXPECT_NE(plan.find("paypro_events_finished_badly"), std::string::npos) << plan;
}

}  // namespace
}  // namespace webhookd::testing
