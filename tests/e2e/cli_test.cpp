// End to end: the command line of paypro-webhookd.
#include <gtest/gtest.h>

#include "tests/support/harness.hpp"
#include "tests/support/test_database.hpp"

namespace webhookd::testing {
namespace {

constexpr const char* kValidConfig = R"(paypro:
  api_base: http://127.0.0.1:9
  api_key: ${TEST_PAYPRO_API_KEY}
  webhook_secrets: ["${TEST_PAYPRO_WEBHOOK_SECRET}"]
database:
  url: postgresql://nobody@127.0.0.1:9/none
handlers:
  - name: audit
    on: ["*"]
    log: {}
)";

TEST(Cli, VersionAndHelpExitZero) {
  TempDir dir;
  const auto [version_code, version] = RunDaemonCommand(dir, {"--version"});
  EXPECT_EQ(version_code, 0);
  EXPECT_NE(version.find("paypro-webhookd "), std::string::npos);
  const auto [help_code, help] = RunDaemonCommand(dir, {"--help"});
  EXPECT_EQ(help_code, 0);
  EXPECT_NE(help.find("--check-config"), std::string::npos);
}

TEST(Cli, UnknownArgumentIsAUsageError) {
  TempDir dir;
  const auto [code, output] = RunDaemonCommand(dir, {"--frobnicate"});
  EXPECT_EQ(code, 64);
  EXPECT_NE(output.find("unknown argument '--frobnicate'"), std::string::npos) << output;
}

TEST(Cli, CheckConfigAcceptsAValidFile) {
  TempDir dir;
  WriteFile(dir.File("ok.yaml"), kValidConfig);
  const auto [code, output] = RunDaemonCommand(dir, {"--config", dir.File("ok.yaml"), "--check-config"});
  EXPECT_EQ(code, 0) << output;
  EXPECT_NE(output.find("configuration is valid"), std::string::npos);
}

// A file written for an earlier version still passes, and says what it sets in vain.
TEST(Cli, CheckConfigWarnsAboutAnObsoleteSetting) {
  TempDir dir;
  WriteFile(dir.File("old.yaml"), std::string(kValidConfig) + "verifier:\n  lease_s: 120\n");
  const auto [code, output] = RunDaemonCommand(dir, {"--config", dir.File("old.yaml"), "--check-config"});
  EXPECT_EQ(code, 0) << output;
  EXPECT_NE(output.find("verifier.lease_s is no longer used and can be removed"), std::string::npos) << output;
  EXPECT_NE(output.find("configuration is valid"), std::string::npos) << output;
}

TEST(Cli, CheckConfigNamesFileLineAndKey) {
  TempDir dir;
  std::string bad = kValidConfig;
  bad.insert(bad.find("database:"), "  timestamp_tolerance: 5\n");
  WriteFile(dir.File("bad.yaml"), bad);
  const auto [code, output] = RunDaemonCommand(dir, {"--config", dir.File("bad.yaml"), "--check-config"});
  EXPECT_EQ(code, 78);
  EXPECT_NE(output.find(dir.File("bad.yaml") + ":5: paypro.timestamp_tolerance"), std::string::npos) << output;
}

TEST(Cli, RefusesToStartWithoutSecrets) {
  TempDir dir;
  std::string config = kValidConfig;
  config.replace(config.find("webhook_secrets: [\"${TEST_PAYPRO_WEBHOOK_SECRET}\"]"),
                 std::string("webhook_secrets: [\"${TEST_PAYPRO_WEBHOOK_SECRET}\"]").size(), "webhook_secrets: []");
  WriteFile(dir.File("nosecret.yaml"), config);
  const auto [code, output] = RunDaemonCommand(dir, {"--config", dir.File("nosecret.yaml")});
  EXPECT_EQ(code, 78);
  EXPECT_NE(output.find("webhook_secrets"), std::string::npos) << output;
}

TEST(Cli, MissingConfigFileIsAConfigError) {
  TempDir dir;
  const auto [code, output] = RunDaemonCommand(dir, {"--config", dir.File("absent.yaml"), "--check-config"});
  EXPECT_EQ(code, 78);
  EXPECT_NE(output.find("absent.yaml"), std::string::npos) << output;
}

TEST(Cli, ShowAndListEventsReadTheStoredRecords) {
  TempDir dir;
  TestDatabase database;
  Sandbox sandbox(dir);
  Daemon daemon(dir, DaemonOptions{database.url(), sandbox.url()});
  ASSERT_TRUE(daemon.Start()) << daemon.Output();
  const std::string event = sandbox.CreateEvents(1).front();
  const std::string id = JsonString(event, "id");
  ASSERT_EQ(daemon.PostSigned(event).status, 200u);
  ASSERT_TRUE(Eventually([&] {
    return database.Scalar("SELECT state FROM paypro_events WHERE event_id = '" + id + "'") == "processed";
  }, std::chrono::seconds(30)));

  const auto [show_code, shown] = RunDaemonCommand(dir, {"--config", daemon.config_path(), "--show-event", id});
  ASSERT_EQ(show_code, 0) << shown;
  EXPECT_EQ(JsonString(shown, "id"), id);
  EXPECT_EQ(JsonString(shown, "state"), "processed");
  EXPECT_EQ(JsonString(shown, "source"), "webhook");
  EXPECT_EQ(JsonString(shown, "event_type"), "payment.paid");
  EXPECT_EQ(JsonInt(shown, "attempts"), 0);

  const auto [unknown_code, unknown] =
      RunDaemonCommand(dir, {"--config", daemon.config_path(), "--show-event", "EVNOTSTORED1"});
  EXPECT_EQ(unknown_code, 1);
  EXPECT_NE(unknown.find("no event EVNOTSTORED1"), std::string::npos);

  const auto [list_code, listed] =
      RunDaemonCommand(dir, {"--config", daemon.config_path(), "--list-events", "--state", "processed", "--limit", "5"});
  ASSERT_EQ(list_code, 0) << listed;
  EXPECT_EQ(JsonString(listed.substr(0, listed.find('\n')), "id"), id);
  const auto [empty_code, empty] =
      RunDaemonCommand(dir, {"--config", daemon.config_path(), "--list-events", "--state", "dead"});
  EXPECT_EQ(empty_code, 0);
  EXPECT_EQ(empty, "");
  EXPECT_EQ(daemon.Stop(), 0);
}

}  // namespace
}  // namespace webhookd::testing

namespace webhookd::testing {
namespace {

TEST(Cli, CheckConfigHasPostgreSqlPrepareEverySqlHandler) {
  TempDir dir;
  TestDatabase database;
  const std::string base = std::string(kValidConfig).substr(0, std::string(kValidConfig).find("database:")) +
                           "database:\n  url: " + database.url() + "\nhandlers:\n  - name: mark-paid\n    on: [payment.paid]\n";
  WriteFile(dir.File("bad.yaml"), base + "    sql: \"UPDATE no_such_table SET paid = true WHERE id = :payload.id\"\n");
  const auto [bad_code, bad] = RunDaemonCommand(dir, {"--config", dir.File("bad.yaml"), "--check-config"});
  EXPECT_EQ(bad_code, 78) << bad;
  EXPECT_NE(bad.find("handler mark-paid: PostgreSQL cannot prepare"), std::string::npos) << bad;
  EXPECT_NE(bad.find("no_such_table"), std::string::npos) << bad;

  WriteFile(dir.File("good.yaml"), base + "    sql: \"SELECT :payload.id::text, :payload.amount::bigint\"\n");
  const auto [good_code, good] = RunDaemonCommand(dir, {"--config", dir.File("good.yaml"), "--check-config"});
  EXPECT_EQ(good_code, 0) << good;
}

}  // namespace
}  // namespace webhookd::testing
