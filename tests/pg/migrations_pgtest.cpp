// PostgreSQL: schema migrations apply once, concurrently safe.
#include "storage/migrations.hpp"

#include <gtest/gtest.h>

#include <thread>

#include "tests/support/test_database.hpp"

namespace webhookd::testing {
namespace {

TEST(MigrationsPgTest, AppliesEveryMigrationToAnEmptyDatabase) {
  TestDatabase database;
  auto connection = database.Connect();
  EXPECT_EQ(*SchemaVersion(*connection), 0);
  auto version = ApplyMigrations(*connection);
  ASSERT_TRUE(version) << version.error().detail;
  EXPECT_EQ(*version, AllMigrations().back().version);
  EXPECT_EQ(database.Scalar("SELECT to_regclass('paypro_events') IS NOT NULL"), "t");
}

TEST(MigrationsPgTest, SecondRunChangesNothing) {
  TestDatabase database;
  auto connection = database.Connect();
  ASSERT_TRUE(ApplyMigrations(*connection));
  ASSERT_TRUE(ApplyMigrations(*connection));
  EXPECT_EQ(database.Scalar("SELECT count(*) FROM paypro_schema_migrations"), std::to_string(AllMigrations().size()));
}

TEST(MigrationsPgTest, ConcurrentDaemonsApplyEachMigrationOnce) {
  TestDatabase database;
  std::vector<std::thread> daemons;
  std::atomic<int> failures{0};
  for (int i = 0; i < 4; ++i) {
    daemons.emplace_back([&] {
      auto connection = database.Connect();
      if (!ApplyMigrations(*connection)) ++failures;
    });
  }
  for (std::thread& daemon : daemons) daemon.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ(database.Scalar("SELECT count(*) FROM paypro_schema_migrations"), std::to_string(AllMigrations().size()));
}

// A lease changes no indexed column, so it is a HOT update (no index
// entries) when the new version fits on the row's page.
TEST(MigrationsPgTest, EventPagesKeepRoomForALeaseOfEveryRow) {
  TestDatabase database;
  auto connection = database.Connect();
  ASSERT_TRUE(ApplyMigrations(*connection));
  database.Scalar(
      "INSERT INTO paypro_events (event_id, event_type, raw_body)"
      " SELECT 'EVROOM' || g, 'payment.paid', repeat('x', 600) FROM generate_series(1, 60) g");  // real body sizes
  const std::string pages = "SELECT string_agg((ctid::text::point)[0]::text, ',' ORDER BY event_id) FROM paypro_events";
  const std::string before = database.Scalar(pages);
  database.Scalar("UPDATE paypro_events SET lease_owner = 'verifier-1', lease_until = now() + interval '1 minute'");
  EXPECT_EQ(database.Scalar(pages), before);
}

}  // namespace
}  // namespace webhookd::testing
