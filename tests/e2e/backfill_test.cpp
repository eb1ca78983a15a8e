// End to end: --backfill recovers what the webhooks missed, exactly once.
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <signal.h>

#include <thread>

#include "tests/support/harness.hpp"
#include "tests/support/test_database.hpp"

namespace webhookd::testing {
namespace {

constexpr auto kSettle = std::chrono::seconds(90);
constexpr const char* kEffects =
    "handlers:\n  - name: record-effect\n    on: [\"*\"]\n"
    "    sql: \"INSERT INTO effects (event_id) VALUES (:id)\"\n";

class Backfill : public ::testing::Test {
 protected:
  void SetUp() override {
    auto connection = database_.Connect();
    pqxx::work tx(*connection);
    tx.exec0("CREATE TABLE effects (event_id text NOT NULL)");
    tx.commit();
    DaemonOptions options{database_.url(), sandbox_.url()};
    options.handlers_yaml = kEffects;
    daemon_ = std::make_unique<Daemon>(dir_, options);
  }

  // Sends `count` events; some never arrive, some arrive twice.
  void DeliverWithLosses(int count) {
    ASSERT_EQ(sandbox_.Post("/_sandbox/faults", R"({"drop_rate":0.1,"duplicate_rate":0.05})").status, 200u);
    ASSERT_EQ(sandbox_
                  .Post("/_sandbox/trigger", fmt::format(R"({{"count":{},"type":"mixed","to":"{}","concurrency":8}})",
                                                         count, daemon_->webhook_url()))
                  .status,
              200u);
    ASSERT_EQ(JsonInt(sandbox_.Get("/_sandbox/deliveries?wait_ms=60000").body, "pending"), 0);
    ASSERT_EQ(sandbox_.Post("/_sandbox/faults", R"({"drop_rate":0,"duplicate_rate":0})").status, 200u);
  }

  std::pair<int, std::string> RunBackfill(std::vector<std::string> extra = {}) {
    std::vector<std::string> args = {"--config", daemon_->config_path(), "--backfill", "--json"};
    args.insert(args.end(), extra.begin(), extra.end());
    return RunDaemonCommand(dir_, args);
  }

  std::string Count(const std::string& sql) { return database_.Scalar(sql); }

  void ExpectEveryEventProcessedOnce(int count) {
    ASSERT_TRUE(Eventually([&] { return Count("SELECT count(*) FROM paypro_events WHERE state = 'processed'") ==
                                        std::to_string(count); },
                           kSettle))
        << Count("SELECT json_object_agg(state, n)::text FROM (SELECT state, count(*) n FROM paypro_events GROUP BY 1) s");
    EXPECT_EQ(Count("SELECT count(*) FROM effects"), std::to_string(count));
    EXPECT_EQ(Count("SELECT count(DISTINCT event_id) FROM effects"), std::to_string(count));
  }

  TempDir dir_;
  TestDatabase database_;
  Sandbox sandbox_{dir_};
  std::unique_ptr<Daemon> daemon_;
};

TEST_F(Backfill, RecoversDroppedDeliveriesAndProcessesEachEventOnce) {
  ASSERT_TRUE(daemon_->Start()) << daemon_->Output();
  DeliverWithLosses(2000);
  const int64_t dropped = JsonInt(sandbox_.Get("/_sandbox/deliveries").body, "dropped");
  ASSERT_GT(dropped, 100);
  ASSERT_TRUE(Eventually([&] { return Count("SELECT count(*) FROM paypro_events WHERE state <> 'processed'") == "0"; },
                         kSettle));
  const std::string before = Count("SELECT count(*) FROM paypro_events");
  EXPECT_EQ(before, std::to_string(2000 - dropped));

  const auto [dry_code, dry] = RunBackfill({"--dry-run"});
  ASSERT_EQ(dry_code, 0) << dry;
  const std::string dry_json = dry.substr(dry.rfind("{\"complete\""));
  EXPECT_EQ(JsonInt(dry_json, "new"), dropped) << dry;
  EXPECT_EQ(Count("SELECT count(*) FROM paypro_events"), before) << "a dry run changes nothing";

  const auto [code, output] = RunBackfill();
  ASSERT_EQ(code, 0) << output;
  const std::string json = output.substr(output.rfind("{\"complete\""));
  EXPECT_EQ(JsonInt(json, "new"), dropped);
  EXPECT_EQ(JsonInt(json, "known"), 2000 - dropped);
  EXPECT_EQ(JsonInt(json, "pages"), 20);
  ExpectEveryEventProcessedOnce(2000);
  EXPECT_EQ(Count("SELECT count(*) FROM paypro_events WHERE source = 'backfill'"), std::to_string(dropped));

  // A second run starts at the checkpoint: nothing new, nothing reprocessed.
  const auto [again_code, again] = RunBackfill();
  ASSERT_EQ(again_code, 0) << again;
  EXPECT_EQ(JsonInt(again.substr(again.rfind("{\"complete\"")), "new"), 0);
  ExpectEveryEventProcessedOnce(2000);
}

TEST_F(Backfill, ResumesAfterBeingKilledWithoutSkippingOrRepeating) {
  ASSERT_TRUE(daemon_->Start()) << daemon_->Output();
  sandbox_.CreateEvents(1000, "mixed");  // none delivered: everything comes from the list
  ASSERT_EQ(sandbox_.Post("/_sandbox/faults", R"({"list_latency_ms":300})").status, 200u);
  ChildProcess walk({DaemonBinary(), "--config", daemon_->config_path(), "--backfill"},
                    dir_.File("walk.log"),
                    {{"TEST_PAYPRO_API_KEY", kApiKey}, {"TEST_PAYPRO_WEBHOOK_SECRET", kWebhookSecret}});
  ASSERT_TRUE(Eventually([&] { return Count("SELECT coalesce(max(run_pages), 0) FROM paypro_backfill_state") >= "3"; },
                         kSettle));
  walk.Signal(SIGKILL);
  walk.Wait(std::chrono::seconds(10));
  const int recorded = std::stoi(Count("SELECT count(*) FROM paypro_events"));
  EXPECT_GT(recorded, 0);
  EXPECT_LT(recorded, 1000);
  EXPECT_EQ(Count("SELECT count(*) FROM effects"), "0") << "held until the walk completes";

  ASSERT_EQ(sandbox_.Post("/_sandbox/faults", R"({"list_latency_ms":0})").status, 200u);
  const auto [code, output] = RunBackfill();
  ASSERT_EQ(code, 0) << output;
  EXPECT_TRUE(output.find("\"resumed\":true") != std::string::npos) << output;
  ExpectEveryEventProcessedOnce(1000);
}

TEST_F(Backfill, HonoursSinceAndRateLimits) {
  ASSERT_TRUE(daemon_->Start()) << daemon_->Output();
  sandbox_.CreateEvents(300, "mixed");
  ASSERT_EQ(sandbox_.Post("/_sandbox/faults", R"({"rate_limit_rate":0.5,"retry_after_s":1})").status, 200u);
  const std::string future = "2100-01-01T00:00:00Z";
  const auto [none_code, none] = RunBackfill({"--since", future});
  ASSERT_EQ(none_code, 0) << none;
  EXPECT_EQ(JsonInt(none.substr(none.rfind("{\"complete\"")), "seen"), 0);
  EXPECT_EQ(Count("SELECT count(*) FROM paypro_events"), "0");

  const auto [code, output] = RunBackfill({"--since", "2000-01-01T00:00:00Z"});
  ASSERT_EQ(code, 0) << output;
  EXPECT_NE(output.find("answered 429"), std::string::npos) << "the storm was real";
  ExpectEveryEventProcessedOnce(300);
}

TEST_F(Backfill, RunsBesideLiveIntakeOfTheSameEvents) {
  ASSERT_TRUE(daemon_->Start()) << daemon_->Output();
  ASSERT_EQ(sandbox_
                .Post("/_sandbox/trigger", fmt::format(R"({{"count":800,"type":"mixed","to":"{}","concurrency":4}})",
                                                       daemon_->webhook_url()))
                .status,
            200u);
  const auto [code, output] = RunBackfill();
  ASSERT_EQ(code, 0) << output;
  ASSERT_EQ(JsonInt(sandbox_.Get("/_sandbox/deliveries?wait_ms=60000").body, "pending"), 0);
  ExpectEveryEventProcessedOnce(800);
}

TEST_F(Backfill, StopsAtOnceWhenTheApiKeyIsRefused) {
  std::string config = ReadFile(daemon_->config_path());
  WriteFile(dir_.File("wrong-key.yaml"),
            config.replace(config.find("${TEST_PAYPRO_API_KEY}"), 22, "pp_wrong_key"));
  const auto [code, output] = RunDaemonCommand(dir_, {"--config", dir_.File("wrong-key.yaml"), "--backfill"});
  EXPECT_EQ(code, 1);
  EXPECT_NE(output.find("PayPro refused the API key (401)"), std::string::npos) << output;
  EXPECT_EQ(output.find("pp_wrong_key"), std::string::npos);
}

}  // namespace
}  // namespace webhookd::testing

namespace webhookd::testing {
namespace {

TEST(Reconcile, RecoversLostCallsWithoutAnyone) {
  TempDir dir;
  TestDatabase database;
  Sandbox sandbox(dir);
  {
    auto connection = database.Connect();
    pqxx::work tx(*connection);
    tx.exec0("CREATE TABLE effects (event_id text NOT NULL)");
    tx.commit();
  }
  DaemonOptions options{database.url(), sandbox.url()};
  options.handlers_yaml = kEffects;
  options.extra_yaml = "reconcile: { interval_s: 1, window_s: 3600 }\n";
  Daemon daemon(dir, options);
  ASSERT_TRUE(daemon.Start()) << daemon.Output();
  ASSERT_EQ(sandbox.Post("/_sandbox/faults", R"({"drop_rate":0.2})").status, 200u);
  ASSERT_EQ(sandbox
                .Post("/_sandbox/trigger",
                      fmt::format(R"({{"count":300,"type":"mixed","to":"{}","concurrency":4}})", daemon.webhook_url()))
                .status,
            200u);
  ASSERT_GT(JsonInt(sandbox.Get("/_sandbox/deliveries?wait_ms=60000").body, "dropped"), 20);
  ASSERT_TRUE(Eventually([&] {
    return database.Scalar("SELECT count(*) FROM paypro_events WHERE state = 'processed'") == "300";
  }, kSettle)) << daemon.Output().substr(0, 2000);
  EXPECT_EQ(database.Scalar("SELECT count(DISTINCT event_id) FROM effects"), "300");
  EXPECT_EQ(database.Scalar("SELECT count(*) FROM effects"), "300");
  EXPECT_NE(daemon.Output().find("reconcile: recovered"), std::string::npos);
  EXPECT_NE(daemon.AdminGet("/metrics").body.find("paypro_webhookd_events_recovered_total"), std::string::npos);
}

}  // namespace
}  // namespace webhookd::testing
