// Tests for the database gauge sampler while PostgreSQL cannot be reached.
#include "daemon/metrics_sampler.hpp"

#include <gtest/gtest.h>
#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>

#include <sstream>
#include <thread>

namespace webhookd {
namespace {

// Sends the default logger's lines to a string for the test's duration.
class CapturedLog {
 public:
  CapturedLog() : previous_(spdlog::default_logger()) {
    auto sink = std::make_shared<spdlog::sinks::ostream_sink_mt>(lines_);
    sink->set_pattern("%l %v");
    spdlog::set_default_logger(std::make_shared<spdlog::logger>("captured", sink));
  }
  ~CapturedLog() { spdlog::set_default_logger(previous_); }
  std::string Text() {
    spdlog::default_logger()->flush();
    return lines_.str();
  }

 private:
  std::shared_ptr<spdlog::logger> previous_;
  std::ostringstream lines_;
};

size_t Occurrences(const std::string& text, std::string_view needle) {
  size_t count = 0;
  for (size_t at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) ++count;
  return count;
}

TEST(MetricsSampler, WithoutADatabaseHasNoSampleAnAgeThatGrowsAndWarnsOnce) {
  CapturedLog log;
  // Nothing listens on port 1 (binding it takes privileges): connections are refused at once.
  const Secret url("postgresql://nobody:SECRETpw@127.0.0.1:1/x");
  MetricsSampler sampler(url, std::chrono::milliseconds(20));
  sampler.Start();
  std::this_thread::sleep_for(std::chrono::milliseconds(400));
  const SampledGauges first = sampler.Latest();
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  const SampledGauges second = sampler.Latest();
  sampler.Stop();

  EXPECT_FALSE(first.sample.has_value());
  EXPECT_GE(first.age_s, 0.4);
  EXPECT_GT(second.age_s, first.age_s);
  const std::string text = log.Text();
  EXPECT_EQ(Occurrences(text, "metrics: database gauges not refreshed"), 1u) << text;
  EXPECT_EQ(text.find("SECRETpw"), std::string::npos) << text;
}

TEST(MetricsSampler, StopsPromptly) {
  MetricsSampler sampler(Secret("postgresql://nobody@127.0.0.1:1/x"), std::chrono::seconds(60));
  sampler.Start();
  const auto started = std::chrono::steady_clock::now();
  sampler.Stop();
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(3));
}

TEST(MetricsSampler, PausesTheIntervalAfterAQuickReadingAndLongerAfterASlowOne) {
  using std::chrono::milliseconds;
  EXPECT_EQ(PauseAfterSample(milliseconds(5000), milliseconds(3)), milliseconds(5000));
  EXPECT_EQ(PauseAfterSample(milliseconds(5000), milliseconds(263)), milliseconds(5000));
  // A reading of 800 ms (a backlog of 200,000): 5 % of a backend at most.
  EXPECT_EQ(PauseAfterSample(milliseconds(5000), milliseconds(800)), milliseconds(15200));
  EXPECT_EQ(PauseAfterSample(milliseconds(5000), milliseconds(2000)), milliseconds(38000));
}

}  // namespace
}  // namespace webhookd
