// PostgreSQL: the metrics sampler follows the inbox and rides out a lost connection.
#include "daemon/metrics_sampler.hpp"

#include <gtest/gtest.h>
#include <spdlog/sinks/ringbuffer_sink.h>
#include <spdlog/spdlog.h>

#include <thread>

#include "storage/migrations.hpp"
#include "tests/support/child_process.hpp"
#include "tests/support/test_database.hpp"

namespace webhookd::testing {
namespace {

constexpr auto kWait = std::chrono::seconds(10);

// Keeps the default logger's lines for the test's duration.
class CapturedLog {
 public:
  CapturedLog() {
    spdlog::set_default_logger(std::make_shared<spdlog::logger>("captured", sink_));
  }
  ~CapturedLog() { spdlog::set_default_logger(previous_); }
  /// Every line so far (the sink locks: safe while the sampler logs).
  std::string Text() const {
    std::string text;
    for (const std::string& line : sink_->last_formatted()) text += line;
    return text;
  }

 private:
  std::shared_ptr<spdlog::logger> previous_ = spdlog::default_logger();
  using RingSink = spdlog::sinks::ringbuffer_sink_mt;
  std::shared_ptr<RingSink> sink_ = std::make_shared<RingSink>(1000);
};

TEST(MetricsSamplerPgTest, FollowsTheInboxAndKeepsItsSampleAcrossAReconnect) {
  CapturedLog log;
  TestDatabase database;
  auto connection = database.Connect();
  ASSERT_TRUE(ApplyMigrations(*connection).ok());
  MetricsSampler sampler(Secret(database.url()), std::chrono::milliseconds(50));
  sampler.Start();
  ASSERT_TRUE(Eventually([&] { return sampler.Latest().sample.has_value(); }, kWait));
  EXPECT_EQ(sampler.Latest().sample->unverified, 0);

  database.Scalar("INSERT INTO paypro_events (event_id, event_type) VALUES ('EV1', 'payment.paid') RETURNING 1");
  ASSERT_TRUE(Eventually([&] { return sampler.Latest().sample->unverified == 1; }, kWait));
  EXPECT_LT(sampler.Latest().age_s, 1.0);

  // Cut the sampler's connection: the sample stays, one warning, then it reconnects.
  database.Scalar(
      "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
      " WHERE datname = current_database() AND pid <> pg_backend_pid()");
  ASSERT_TRUE(Eventually([&] { return log.Text().find("current again") != std::string::npos; }, kWait))
      << log.Text();
  EXPECT_EQ(sampler.Latest().sample->unverified, 1);
  sampler.Stop();
  const std::string text = log.Text();
  EXPECT_NE(text.find("metrics: database gauges not refreshed"), std::string::npos) << text;
  EXPECT_EQ(text.find("not refreshed"), text.rfind("not refreshed")) << text;
}

}  // namespace
}  // namespace webhookd::testing
