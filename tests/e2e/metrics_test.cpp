// End to end: /metrics after real traffic passes promtool and counts what happened.
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <optional>
#include <sstream>

#include "tests/support/harness.hpp"
#include "tests/support/test_database.hpp"

namespace webhookd::testing {
namespace {

constexpr auto kSettle = std::chrono::seconds(60);
constexpr const char* kPromtool = "/usr/bin/promtool";

// The value of one series ("name" or "name{labels}") in a scrape.
std::optional<double> Value(const std::string& scrape, const std::string& series) {
  std::istringstream lines(scrape);
  for (std::string line; std::getline(lines, line);) {
    if (line.starts_with(series + " ")) return std::stod(line.substr(series.size() + 1));
  }
  return std::nullopt;
}

// Sum of every series of a family whose labels contain `labels_part`.
double Sum(const std::string& scrape, const std::string& name, const std::string& labels_part = "") {
  double sum = 0;
  std::istringstream lines(scrape);
  for (std::string line; std::getline(lines, line);) {
    if (!line.starts_with(name + "{") || line.find(labels_part) == std::string::npos) continue;
    sum += std::stod(line.substr(line.rfind(' ') + 1));
  }
  return sum;
}

// promtool's verdict: its exit code and everything it printed.
std::pair<int, std::string> Promtool(const TempDir& dir, const std::string& scrape) {
  const std::string input = dir.File("scrape.txt");
  const std::string output = dir.File("promtool.txt");
  WriteFile(input, scrape);
  const int status = std::system(fmt::format("{} check metrics < {} > {} 2>&1", kPromtool, input, output).c_str());
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, ReadFile(output)};
}

class Metrics : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_EQ(access(kPromtool, X_OK), 0) << "promtool is needed (Debian package prometheus)";
    {
      auto connection = database_.Connect();
      pqxx::work tx(*connection);
      tx.exec0("CREATE TABLE customers_seen (event_id text)");
      tx.commit();
    }
    const std::string fulfil = dir_.File("fulfil");
    WriteFile(fulfil, "#!/bin/sh\ncat > /dev/null\necho 'warehouse closed' >&2\nexit 3\n");
    chmod(fulfil.c_str(), 0755);
    DaemonOptions options{database_.url(), sandbox_.url()};
    options.handlers_yaml = fmt::format(
        "handlers:\n"
        "  - name: audit\n    on: [\"*\"]\n    log: {{}}\n"
        "  - name: customers\n    on: [\"customer.created\"]\n"
        "    sql: \"INSERT INTO customers_seen (event_id) VALUES (:id)\"\n"
        "  - name: fulfil\n    on: [\"payment.paid\"]\n    exec: {{ argv: [\"{}\"], timeout_ms: 5000 }}\n"
        "    retry: {{ max_attempts: 2, initial_backoff_ms: 50, max_backoff_ms: 100 }}\n",
        fulfil);
    daemon_ = std::make_unique<Daemon>(dir_, options);
    ASSERT_TRUE(daemon_->Start()) << daemon_->Output();
  }

  std::string Scrape() {
    const ClientResponse response = daemon_->AdminGet("/metrics");
    EXPECT_EQ(response.status, 200u);
    EXPECT_EQ(response.headers.Get("Content-Type"), "text/plain; version=0.0.4; charset=utf-8");
    return response.body;
  }

  std::string Count(const std::string& state) {
    return database_.Scalar("SELECT count(*) FROM paypro_events WHERE state = '" + state + "'");
  }

  TempDir dir_;
  TestDatabase database_;
  Sandbox sandbox_{dir_};
  std::unique_ptr<Daemon> daemon_;
};

TEST_F(Metrics, ScrapePassesPromtoolAndCountsWhatHappened) {
  // PayPro fails at first, so the events wait unverified and the backlog shows them.
  ASSERT_EQ(sandbox_.Post("/_sandbox/faults", R"({"error_rate":1.0})").status, 200u);
  std::vector<std::string> events = sandbox_.CreateEvents(4, "payment.paid");
  for (const std::string& customer : sandbox_.CreateEvents(3, "customer.created")) events.push_back(customer);
  for (const std::string& event : events) ASSERT_EQ(daemon_->PostSigned(event).status, 200u);
  const std::string forged =
      R"({"id":"EVFORGED000000000077","type":"event","event_type":"payment.paid","created_at":"2024-01-01T00:00:00Z",)"
      R"("payload":{"id":"PPFORGED0077","type":"payment","amount":100,"state":"paid"}})";
  ASSERT_EQ(daemon_->PostSigned(forged).status, 200u);
  ASSERT_EQ(daemon_->PostSigned(events.front(), "whsec_not_the_secret").status, 401u);

  std::string scrape;
  ASSERT_TRUE(Eventually([&] {
    scrape = Scrape();
    return Value(scrape, R"(paypro_webhookd_backlog_events{stage="unverified"})") == 8.0 &&
           Value(scrape, R"(paypro_webhookd_backlog_oldest_age_seconds{stage="unverified"})") > 0.0;
  }, kSettle)) << scrape;
  EXPECT_EQ(Value(scrape, R"(paypro_webhookd_events{state="received"})"), 8.0);
  EXPECT_GE(Value(scrape, R"(paypro_webhookd_api_requests_total{code="500"})"), 1.0);

  ASSERT_EQ(sandbox_.Post("/_sandbox/faults", R"({"error_rate":0.0})").status, 200u);
  ASSERT_TRUE(Eventually([&] { return Count("processed") == "3" && Count("dead") == "4" && Count("rejected") == "1"; },
                         kSettle))
      << daemon_->Output().substr(0, 4000);
  ASSERT_TRUE(Eventually([&] {
    scrape = Scrape();
    return Value(scrape, R"(paypro_webhookd_backlog_events{stage="unverified"})") == 0.0 &&
           Value(scrape, R"(paypro_webhookd_backlog_events{stage="unprocessed"})") == 0.0 &&
           Value(scrape, R"(paypro_webhookd_events{state="dead"})") == 4.0;
  }, kSettle)) << scrape;

  const auto [promtool_code, complaints] = Promtool(dir_, scrape);
  EXPECT_EQ(promtool_code, 0) << complaints;
  EXPECT_EQ(complaints, "") << scrape;

  // Intake: 8 acknowledged, 1 refused; the ack histogram saw each acknowledgement.
  EXPECT_EQ(Value(scrape, R"(paypro_webhookd_webhook_requests_total{code="200"})"), 8.0);
  EXPECT_EQ(Value(scrape, R"(paypro_webhookd_webhook_requests_total{code="401"})"), 1.0);
  EXPECT_EQ(Value(scrape, "paypro_webhookd_ack_duration_seconds_count"), 8.0);
  EXPECT_EQ(Value(scrape, R"(paypro_webhookd_ack_duration_seconds_bucket{le="+Inf"})"), 8.0);
  EXPECT_GT(Value(scrape, "paypro_webhookd_ack_duration_seconds_sum"), 0.0);

  // Verification: PayPro knows 7 of 8; every call is counted once by answer and timed.
  EXPECT_EQ(Value(scrape, "paypro_webhookd_events_verified_total"), 7.0);
  EXPECT_EQ(Value(scrape, "paypro_webhookd_events_rejected_total"), 1.0);
  EXPECT_EQ(Value(scrape, R"(paypro_webhookd_api_requests_total{code="200"})"), 7.0);
  EXPECT_EQ(Value(scrape, R"(paypro_webhookd_api_requests_total{code="404"})"), 1.0);
  const auto calls = Value(scrape, "paypro_webhookd_api_calls_total");
  ASSERT_TRUE(calls.has_value());
  EXPECT_EQ(Sum(scrape, "paypro_webhookd_api_requests_total"), *calls);
  EXPECT_EQ(Value(scrape, "paypro_webhookd_verification_duration_seconds_count"), *calls);
  EXPECT_EQ(Value(scrape, "paypro_webhookd_verification_delay_seconds_count"), 7.0);

  // Handlers: the log handler ran for all 7, sql for the 3 customers, exec failed twice per payment.
  const std::string runs = "paypro_webhookd_handler_runs_total";
  EXPECT_EQ(Value(scrape, runs + R"({handler="audit",result="done"})"), 7.0);
  EXPECT_EQ(Value(scrape, runs + R"({handler="customers",result="done"})"), 3.0);
  EXPECT_EQ(Sum(scrape, runs, R"(handler="customers")"), 3.0);
  EXPECT_EQ(Value(scrape, runs + R"({handler="fulfil",result="retry"})"), 4.0);
  EXPECT_EQ(Value(scrape, runs + R"({handler="fulfil",result="dead"})"), 4.0);
  EXPECT_EQ(Value(scrape, runs + R"({handler="fulfil",result="done"})"), 0.0);
  EXPECT_EQ(Value(scrape, R"(paypro_webhookd_handler_duration_seconds_count{handler="fulfil"})"), 8.0);
  EXPECT_EQ(Value(scrape, R"(paypro_webhookd_handler_duration_seconds_count{handler="customers"})"), 3.0);
  EXPECT_EQ(Value(scrape, "paypro_webhookd_events_processed_total"), 3.0);
  EXPECT_EQ(Value(scrape, "paypro_webhookd_events_dead_total"), 4.0);

  // Database gauges: nothing waits any more, and the sample is fresh.
  EXPECT_EQ(Value(scrape, R"(paypro_webhookd_events{state="rejected"})"), 1.0);
  EXPECT_EQ(Value(scrape, R"(paypro_webhookd_events{state="received"})"), 0.0);
  EXPECT_EQ(Value(scrape, R"(paypro_webhookd_events{state="verified"})"), 0.0);
  EXPECT_EQ(Value(scrape, R"(paypro_webhookd_events{state="failed"})"), 0.0);
  EXPECT_EQ(Value(scrape, R"(paypro_webhookd_backlog_oldest_age_seconds{stage="unverified"})"), 0.0);
  EXPECT_EQ(Value(scrape, R"(paypro_webhookd_backlog_oldest_age_seconds{stage="unprocessed"})"), 0.0);
  EXPECT_LT(Value(scrape, "paypro_webhookd_backlog_sample_age_seconds"), 15.0);
  EXPECT_NE(scrape.find("paypro_webhookd_build_info{version=\""), std::string::npos);
}

TEST_F(Metrics, FreshDaemonPassesPromtool) {
  const auto [code, complaints] = Promtool(dir_, Scrape());
  EXPECT_EQ(code, 0) << complaints;
  EXPECT_EQ(complaints, "");
}

}  // namespace
}  // namespace webhookd::testing
