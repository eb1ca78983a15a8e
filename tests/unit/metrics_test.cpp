// Tests that /metrics is valid Prometheus text and shows the counters.
#include "daemon/metrics.hpp"

#include <gtest/gtest.h>

#include <map>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "core/http_message.hpp"
#include "core/version.hpp"

namespace webhookd {
namespace {

struct Sample {
  std::string name;
  std::string labels;
  std::string value;
};

// The family a sample belongs to: histograms' series carry a suffix.
std::string FamilyOf(const std::string& name, const std::map<std::string, std::string>& types) {
  if (types.contains(name)) return name;
  for (const std::string_view suffix : {"_bucket", "_sum", "_count"}) {
    if (name.ends_with(suffix)) {
      const std::string base = name.substr(0, name.size() - suffix.size());
      if (const auto type = types.find(base); type != types.end() && type->second == "histogram") return base;
    }
  }
  return name;
}

// Checks the text exposition format 0.0.4 as far as we use it, and returns
// the samples. Failures are reported through gtest.
std::vector<Sample> ParseExposition(const std::string& text) {
  static const std::regex kHelp(R"(# HELP ([a-zA-Z_:][a-zA-Z0-9_:]*) \S.*)");
  static const std::regex kType(R"(# TYPE ([a-zA-Z_:][a-zA-Z0-9_:]*) (counter|gauge|histogram|summary|untyped))");
  static const std::regex kSample(
      R"(([a-zA-Z_:][a-zA-Z0-9_:]*)(\{[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\n]|\\["\\n])*")"
      R"((?:,[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\n]|\\["\\n])*")*\})? )"
      R"(([-+]?(?:[0-9]+(?:\.[0-9]+)?(?:e[-+]?[0-9]+)?|Inf)|NaN))");
  EXPECT_TRUE(text.ends_with("\n")) << "the last line must end with a newline";
  std::map<std::string, std::string> types;
  std::set<std::string> helps;
  std::vector<Sample> samples;
  std::istringstream lines(text);
  std::string line;
  std::smatch match;
  while (std::getline(lines, line)) {
    if (std::regex_match(line, match, kHelp)) {
      EXPECT_TRUE(helps.insert(match[1]).second) << "second HELP for " << match[1];
    } else if (std::regex_match(line, match, kType)) {
      EXPECT_TRUE(types.emplace(match[1], match[2]).second) << "second TYPE for " << match[1];
    } else if (std::regex_match(line, match, kSample)) {
      const std::string name = match[1];
      const auto type = types.find(FamilyOf(name, types));
      EXPECT_NE(type, types.end()) << "sample before its # TYPE: " << line;
      if (type != types.end() && type->second == "counter") {
        EXPECT_TRUE(name.ends_with("_total")) << "counter not named *_total: " << name;
      }
      samples.push_back({name, match[2], match[3]});
    } else {
      ADD_FAILURE() << "not a valid exposition line: '" << line << "'";
    }
  }
  return samples;
}

std::string ValueOf(const std::vector<Sample>& samples, std::string_view name, std::string_view labels = "") {
  for (const Sample& sample : samples) {
    if (sample.name == name && sample.labels == labels) return sample.value;
  }
  ADD_FAILURE() << "no sample " << name << labels;
  return "";
}

TEST(RenderMetrics, ZeroCountersAreValidExposition) {
  const WebhookStats webhooks;
  const InboxStats inbox;
  const PipelineStats pipeline;
  const std::vector<Sample> samples = ParseExposition(RenderMetrics(webhooks, inbox, pipeline, {}));
  ASSERT_FALSE(samples.empty());
  for (const Sample& sample : samples) {
    if (sample.name != "paypro_webhookd_build_info") {
      EXPECT_EQ(sample.value, "0") << sample.name << sample.labels;
    }
  }
}

TEST(RenderMetrics, ShowsEveryCounter) {
  WebhookStats webhooks;
  for (int i = 0; i < 3; ++i) webhooks.Count(200);
  webhooks.Count(401);
  webhooks.Count(503);
  webhooks.Count(503);
  InboxStats inbox;
  inbox.batches = 7;
  inbox.rows_committed = 42;
  inbox.rejected_full = 2;
  inbox.rejected_down = 1;
  PipelineStats pipeline;
  pipeline.verified = 11;
  pipeline.rejected = 12;
  pipeline.verify_retries = 13;
  pipeline.api_calls = 14;
  pipeline.api_failures = 15;
  pipeline.processed = 16;
  pipeline.process_failures = 17;
  pipeline.dead = 18;

  const std::vector<Sample> samples = ParseExposition(RenderMetrics(webhooks, inbox, pipeline, {}));
  EXPECT_EQ(ValueOf(samples, "paypro_webhookd_webhook_requests_total", R"({code="200"})"), "3");
  EXPECT_EQ(ValueOf(samples, "paypro_webhookd_webhook_requests_total", R"({code="401"})"), "1");
  EXPECT_EQ(ValueOf(samples, "paypro_webhookd_webhook_requests_total", R"({code="503"})"), "2");
  EXPECT_EQ(ValueOf(samples, "paypro_webhookd_webhook_requests_total", R"({code="400"})"), "0");
  EXPECT_EQ(ValueOf(samples, "paypro_webhookd_inbox_batches_total"), "7");
  EXPECT_EQ(ValueOf(samples, "paypro_webhookd_inbox_rows_total"), "42");
  EXPECT_EQ(ValueOf(samples, "paypro_webhookd_inbox_refused_full_total"), "2");
  EXPECT_EQ(ValueOf(samples, "paypro_webhookd_inbox_refused_down_total"), "1");
  EXPECT_EQ(ValueOf(samples, "paypro_webhookd_events_verified_total"), "11");
  EXPECT_EQ(ValueOf(samples, "paypro_webhookd_events_rejected_total"), "12");
  EXPECT_EQ(ValueOf(samples, "paypro_webhookd_verify_retries_total"), "13");
  EXPECT_EQ(ValueOf(samples, "paypro_webhookd_api_calls_total"), "14");
  EXPECT_EQ(ValueOf(samples, "paypro_webhookd_api_failures_total"), "15");
  EXPECT_EQ(ValueOf(samples, "paypro_webhookd_events_processed_total"), "16");
  EXPECT_EQ(ValueOf(samples, "paypro_webhookd_processing_failures_total"), "17");
  EXPECT_EQ(ValueOf(samples, "paypro_webhookd_events_dead_total"), "18");
  EXPECT_EQ(ValueOf(samples, "paypro_webhookd_build_info", std::string(R"({version=")") + kVersion + "\"}"), "1");
}

TEST(RenderMetrics, HasOneRequestSampleForEveryTrackedStatus) {
  const WebhookStats webhooks;
  const InboxStats inbox;
  const PipelineStats pipeline;
  const std::vector<Sample> samples = ParseExposition(RenderMetrics(webhooks, inbox, pipeline, {}));
  size_t requests = 0;
  for (const Sample& sample : samples) requests += sample.name == "paypro_webhookd_webhook_requests_total";
  EXPECT_EQ(requests, WebhookStats::kStatuses.size());
  for (const unsigned status : WebhookStats::kStatuses) {
    EXPECT_EQ(ValueOf(samples, "paypro_webhookd_webhook_requests_total",
                      "{code=\"" + std::to_string(status) + "\"}"), "0");
  }
}

TEST(RenderMetrics, ShowsLargeCountersExactly) {
  const WebhookStats webhooks;
  InboxStats inbox;
  inbox.rows_committed = UINT64_C(18446744073709551615);
  const PipelineStats pipeline;
  const std::vector<Sample> samples = ParseExposition(RenderMetrics(webhooks, inbox, pipeline, {}));
  EXPECT_EQ(ValueOf(samples, "paypro_webhookd_inbox_rows_total"), "18446744073709551615");
}

TEST(RenderMetrics, ShowsTheAckHistogramWithCumulativeBuckets) {
  WebhookStats webhooks;
  webhooks.ack_seconds.Observe(std::chrono::microseconds(300));
  webhooks.ack_seconds.Observe(std::chrono::milliseconds(1));
  webhooks.ack_seconds.Observe(std::chrono::milliseconds(40));
  webhooks.ack_seconds.Observe(std::chrono::seconds(9));
  const std::vector<Sample> samples = ParseExposition(RenderMetrics(webhooks, InboxStats{}, PipelineStats{}, {}));
  const std::string name = "paypro_webhookd_ack_duration_seconds";
  EXPECT_EQ(ValueOf(samples, name + "_bucket", R"({le="0.0005"})"), "1");
  EXPECT_EQ(ValueOf(samples, name + "_bucket", R"({le="0.001"})"), "2");
  EXPECT_EQ(ValueOf(samples, name + "_bucket", R"({le="0.025"})"), "2");
  EXPECT_EQ(ValueOf(samples, name + "_bucket", R"({le="0.05"})"), "3");
  EXPECT_EQ(ValueOf(samples, name + "_bucket", R"({le="5"})"), "3");
  EXPECT_EQ(ValueOf(samples, name + "_bucket", R"({le="+Inf"})"), "4");
  EXPECT_EQ(ValueOf(samples, name + "_count"), "4");
  EXPECT_EQ(ValueOf(samples, name + "_sum"), "9.0413");
}

TEST(RenderMetrics, ShowsHandlerRunsByHandlerAndResult) {
  PipelineStats pipeline;
  pipeline.handlers.For("fulfil").Record(RunResult::kRetry, std::chrono::milliseconds(20));
  pipeline.handlers.For("fulfil").Record(RunResult::kDead, std::chrono::milliseconds(30));
  pipeline.handlers.For("crm").Record(RunResult::kDone, std::chrono::milliseconds(2));
  pipeline.handlers.For("crm").Record(RunResult::kDisabled, std::chrono::milliseconds(3));
  pipeline.handlers.For("crm").Count(RunResult::kDead);
  const std::vector<Sample> samples = ParseExposition(RenderMetrics(WebhookStats{}, InboxStats{}, pipeline, {}));
  const std::string runs = "paypro_webhookd_handler_runs_total";
  EXPECT_EQ(ValueOf(samples, runs, R"({handler="fulfil",result="retry"})"), "1");
  EXPECT_EQ(ValueOf(samples, runs, R"({handler="fulfil",result="dead"})"), "1");
  EXPECT_EQ(ValueOf(samples, runs, R"({handler="fulfil",result="done"})"), "0");
  EXPECT_EQ(ValueOf(samples, runs, R"({handler="crm",result="done"})"), "1");
  EXPECT_EQ(ValueOf(samples, runs, R"({handler="crm",result="disabled"})"), "1");
  EXPECT_EQ(ValueOf(samples, runs, R"({handler="crm",result="dead"})"), "1");
  const std::string duration = "paypro_webhookd_handler_duration_seconds";
  EXPECT_EQ(ValueOf(samples, duration + "_count", R"({handler="fulfil"})"), "2");
  EXPECT_EQ(ValueOf(samples, duration + "_sum", R"({handler="fulfil"})"), "0.05");
  EXPECT_EQ(ValueOf(samples, duration + "_bucket", R"({handler="crm",le="0.0025"})"), "1");
  EXPECT_EQ(ValueOf(samples, duration + "_count", R"({handler="crm"})"), "2");
}

TEST(RenderMetrics, ShowsApiRequestsByAnswer) {
  PipelineStats pipeline;
  ClientResponse ok;
  ok.status = 200;
  pipeline.api.Count(ok);
  pipeline.api.Count(ok);
  ClientResponse odd;
  odd.status = 418;
  pipeline.api.Count(odd);
  pipeline.api.Count(MakeError(ErrorCode::kTimeout, "request failed"));
  pipeline.api.Count(MakeError(ErrorCode::kUnavailable, "connection failed"));
  const std::vector<Sample> samples = ParseExposition(RenderMetrics(WebhookStats{}, InboxStats{}, pipeline, {}));
  const std::string name = "paypro_webhookd_api_requests_total";
  EXPECT_EQ(ValueOf(samples, name, R"({code="200"})"), "2");
  EXPECT_EQ(ValueOf(samples, name, R"({code="other"})"), "1");
  EXPECT_EQ(ValueOf(samples, name, R"({code="timeout"})"), "1");
  EXPECT_EQ(ValueOf(samples, name, R"({code="error"})"), "1");
  EXPECT_EQ(ValueOf(samples, name, R"({code="429"})"), "0");
}

TEST(RenderMetrics, ShowsTheLastDatabaseSampleAndItsAge) {
  BacklogSample sample;
  sample.events = {3, 2, 1, 4, 5};
  sample.unverified = 3;
  sample.oldest_unverified_s = 12.5;
  sample.unprocessed = 3;
  sample.oldest_unprocessed_s = 0.25;
  const std::vector<Sample> samples =
      ParseExposition(RenderMetrics(WebhookStats{}, InboxStats{}, PipelineStats{}, {sample, 7.5}));
  EXPECT_EQ(ValueOf(samples, "paypro_webhookd_backlog_sample_age_seconds"), "7.5");
  EXPECT_EQ(ValueOf(samples, "paypro_webhookd_events", R"({state="received"})"), "3");
  EXPECT_EQ(ValueOf(samples, "paypro_webhookd_events", R"({state="failed"})"), "1");
  EXPECT_EQ(ValueOf(samples, "paypro_webhookd_events", R"({state="rejected"})"), "4");
  EXPECT_EQ(ValueOf(samples, "paypro_webhookd_events", R"({state="dead"})"), "5");
  EXPECT_EQ(ValueOf(samples, "paypro_webhookd_backlog_events", R"({stage="unverified"})"), "3");
  EXPECT_EQ(ValueOf(samples, "paypro_webhookd_backlog_events", R"({stage="unprocessed"})"), "3");
  EXPECT_EQ(ValueOf(samples, "paypro_webhookd_backlog_oldest_age_seconds", R"({stage="unverified"})"), "12.5");
  EXPECT_EQ(ValueOf(samples, "paypro_webhookd_backlog_oldest_age_seconds", R"({stage="unprocessed"})"), "0.25");
}

TEST(RenderMetrics, LeavesOutDatabaseGaugesBeforeTheFirstSample) {
  const std::string text = RenderMetrics(WebhookStats{}, InboxStats{}, PipelineStats{}, {std::nullopt, 3});
  const std::vector<Sample> samples = ParseExposition(text);
  EXPECT_EQ(ValueOf(samples, "paypro_webhookd_backlog_sample_age_seconds"), "3");
  EXPECT_EQ(text.find("paypro_webhookd_backlog_events"), std::string::npos);
  EXPECT_EQ(text.find("paypro_webhookd_events{"), std::string::npos);
}

TEST(WebhookStats, CountsUntrackedStatusesAs500) {
  WebhookStats webhooks;
  webhooks.Count(502);
  webhooks.Count(500);
  webhooks.Count(404);
  EXPECT_EQ(webhooks.answers.back().load(), 2u);
  EXPECT_EQ(WebhookStats::kStatuses.back(), 500u);
  EXPECT_EQ(webhooks.answers[4].load(), 1u);
  EXPECT_EQ(WebhookStats::kStatuses[4], 404u);
}

}  // namespace
}  // namespace webhookd
