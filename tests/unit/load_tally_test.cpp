// Tests for merging load tallies and the JSON summary.
#include "bench/load_tally.hpp"

#include <gtest/gtest.h>
#include <simdjson.h>

namespace webhookd::bench {
namespace {

using std::chrono::milliseconds;

TEST(LoadTally, MergeAddsCountsAndKeepsTheLastAnswer) {
  LoadTally a, b;
  a.sent = 3;
  a.statuses[200] = 2;
  a.errors["read"] = 1;
  a.latency.Record(milliseconds(1));
  a.last_answer = milliseconds(900);
  b.sent = 2;
  b.statuses[200] = 1;
  b.statuses[503] = 1;
  b.unsent = 4;
  b.latency.Record(milliseconds(3));
  b.last_answer = milliseconds(1000);
  a.Merge(b);
  EXPECT_EQ(a.sent, 5u);
  EXPECT_EQ(a.answered(), 4u);
  EXPECT_EQ(a.failed(), 1u);
  EXPECT_EQ(a.statuses[503], 1u);
  EXPECT_EQ(a.unsent, 4u);
  EXPECT_EQ(a.latency.count(), 2u);
  EXPECT_EQ(a.last_answer, milliseconds(1000));
}

TEST(LoadTally, SummaryGivesRatesPercentilesAndStatuses) {
  LoadTally tally;
  tally.sent = 1000;
  tally.statuses[200] = 900;
  tally.statuses[503] = 100;
  for (int i = 1; i <= 1000; ++i) tally.latency.Record(std::chrono::microseconds(i * 10));
  tally.last_answer = std::chrono::seconds(2);
  LoadPlan plan;
  plan.rate = 500;
  plan.duration = std::chrono::seconds(2);
  const RunFacts facts{&plan, 16, 1, false, 5000, 0.25, 1800000000.5};

  simdjson::dom::parser parser;
  const std::string text = SummaryJson(tally, facts);
  simdjson::dom::element summary = parser.parse(text);
  EXPECT_EQ(std::string_view(summary["mode"]), "open");
  EXPECT_DOUBLE_EQ(double(summary["target_rps"]), 500);
  EXPECT_EQ(int64_t(summary["answered"]), 1000);
  EXPECT_EQ(int64_t(summary["status"]["503"]), 100);
  EXPECT_DOUBLE_EQ(double(summary["achieved_rps"]), 500);
  EXPECT_DOUBLE_EQ(double(summary["ok_rps"]), 450);
  EXPECT_FALSE(bool(summary["exhausted"]));
  EXPECT_DOUBLE_EQ(double(summary["start_unix_s"]), 1800000000.5);
  EXPECT_NEAR(double(summary["latency_ms"]["p50"]), 5.0, 0.05);
  EXPECT_NEAR(double(summary["latency_ms"]["p99"]), 9.9, 0.1);
  EXPECT_NEAR(double(summary["latency_ms"]["p99_9"]), 9.99, 0.1);
  EXPECT_DOUBLE_EQ(double(summary["latency_ms"]["max"]), 10.0);
}

TEST(LoadTally, ClosedLoopThatRanOutOfCallsSaysExhausted) {
  LoadTally tally;
  tally.sent = 50;
  tally.statuses[200] = 50;
  tally.last_answer = milliseconds(100);
  LoadPlan plan;
  plan.duration = std::chrono::seconds(10);
  const RunFacts facts{&plan, 4, 1, false, 50, 0};
  simdjson::dom::parser parser;
  const std::string text = SummaryJson(tally, facts);
  simdjson::dom::element summary = parser.parse(text);
  EXPECT_EQ(std::string_view(summary["mode"]), "closed");
  EXPECT_TRUE(bool(summary["exhausted"]));
  EXPECT_DOUBLE_EQ(double(summary["achieved_rps"]), 500);
}

}  // namespace
}  // namespace webhookd::bench
