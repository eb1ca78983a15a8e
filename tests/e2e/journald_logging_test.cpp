// End to end: under journald (JOURNAL_STREAM set) log lines carry <N> priorities, no timestamps.
#include <gtest/gtest.h>
#include <signal.h>

#include <regex>
#include <sstream>

#include "tests/support/harness.hpp"
#include "tests/support/test_database.hpp"

namespace webhookd::testing {
namespace {

TEST(JournaldLogging, LinesStartWithTheirPriorityAndCarryNoTimestamp) {
  TempDir dir;
  TestDatabase database;
  Sandbox sandbox(dir);
  // Only for its generated config (log level debug) and its request helpers.
  Daemon daemon(dir, DaemonOptions{database.url(), sandbox.url()});
  ChildProcess process({DaemonBinary(), "--config", daemon.config_path()}, dir.File("journald.log"),
                       {{"JOURNAL_STREAM", "8:1234"},
                        {"TEST_PAYPRO_API_KEY", kApiKey},
                        {"TEST_PAYPRO_WEBHOOK_SECRET", kWebhookSecret}});
  ASSERT_TRUE(process.WaitForOutput("ready: webhooks on", std::chrono::seconds(20))) << process.Output();
  const std::string event = sandbox.CreateEvents(1).front();
  ASSERT_EQ(daemon.PostSigned(event, "not-the-secret").status, 401u);
  ASSERT_EQ(daemon.PostSigned(event).status, 200u);
  ASSERT_TRUE(process.WaitForOutput("processed", std::chrono::seconds(30))) << process.Output();
  process.Signal(SIGTERM);
  ASSERT_EQ(process.Wait(std::chrono::seconds(30)), 0) << process.Output();

  const std::string output = process.Output();
  const std::regex priority(R"(<[0-7]>\S.*)");
  // Event JSON in a line may hold times; what must go is the line's own leading one.
  const std::regex timestamp(R"(<[0-7]>\d{4}-\d\d-\d\dT\d\d:\d\d.*)");
  std::istringstream lines(output);
  int count = 0;
  for (std::string line; std::getline(lines, line); ++count) {
    EXPECT_TRUE(std::regex_match(line, priority)) << "no priority: " << line;
    EXPECT_FALSE(std::regex_match(line, timestamp)) << "timestamp: " << line;
  }
  EXPECT_GT(count, 3);
  EXPECT_NE(output.find("<6>ready: webhooks on"), std::string::npos) << output;
  EXPECT_NE(output.find("<7>webhook from "), std::string::npos) << output;
  EXPECT_NE(output.find("<6>stopped"), std::string::npos) << output;
}

}  // namespace
}  // namespace webhookd::testing
