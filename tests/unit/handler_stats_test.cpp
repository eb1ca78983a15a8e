// Tests for the per-handler series registry.
#include "daemon/handler_stats.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace webhookd {
namespace {

TEST(HandlerStats, GivesOneSeriesPerNameThatStaysPut) {
  HandlerStats stats;
  HandlerSeries& first = stats.For("crm");
  stats.For("audit");
  stats.For("zebra");
  EXPECT_EQ(&stats.For("crm"), &first);
  first.Record(RunResult::kDone, std::chrono::milliseconds(1));
  EXPECT_EQ(stats.For("crm").runs[0].load(), 1u);
}

TEST(HandlerStats, VisitsHandlersInNameOrder) {
  HandlerStats stats;
  for (const char* name : {"zebra", "audit", "crm"}) stats.For(name);
  std::vector<std::string> names;
  stats.ForEach([&](const std::string& name, const HandlerSeries&) { names.push_back(name); });
  EXPECT_EQ(names, (std::vector<std::string>{"audit", "crm", "zebra"}));
}

TEST(HandlerSeries, CountWithoutDurationLeavesTheHistogramAlone) {
  HandlerSeries series;
  series.Count(RunResult::kDead);
  series.Record(RunResult::kRetry, std::chrono::milliseconds(2));
  series.Record(RunResult::kDisabled, std::chrono::milliseconds(3));
  EXPECT_EQ(series.runs[static_cast<size_t>(RunResult::kDead)].load(), 1u);
  EXPECT_EQ(series.runs[static_cast<size_t>(RunResult::kRetry)].load(), 1u);
  EXPECT_EQ(series.runs[static_cast<size_t>(RunResult::kDisabled)].load(), 1u);
  EXPECT_EQ(series.runs[static_cast<size_t>(RunResult::kDone)].load(), 0u);
  EXPECT_EQ(series.duration.Read().count, 2u);
}

TEST(RunResult, NamesFollowTheEnum) {
  EXPECT_EQ(kRunResultNames[static_cast<size_t>(RunResult::kDone)], "done");
  EXPECT_EQ(kRunResultNames[static_cast<size_t>(RunResult::kRetry)], "retry");
  EXPECT_EQ(kRunResultNames[static_cast<size_t>(RunResult::kDead)], "dead");
  EXPECT_EQ(kRunResultNames[static_cast<size_t>(RunResult::kDisabled)], "disabled");
}

}  // namespace
}  // namespace webhookd
