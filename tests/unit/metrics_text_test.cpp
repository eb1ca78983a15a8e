// Tests for the Prometheus text format building blocks: escaping, values, histograms.
#include "daemon/metrics_text.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

namespace webhookd {
namespace {

TEST(EscapeLabelValue, EscapesBackslashQuoteAndNewline) {
  EXPECT_EQ(EscapeLabelValue("plain-name_1"), "plain-name_1");
  EXPECT_EQ(EscapeLabelValue(R"(a\b)"), R"(a\\b)");
  EXPECT_EQ(EscapeLabelValue(R"(say "hi")"), R"(say \"hi\")");
  EXPECT_EQ(EscapeLabelValue("two\nlines"), R"(two\nlines)");
  EXPECT_EQ(EscapeLabelValue("\\\"\n"), R"(\\\"\n)");
}

TEST(EscapeLabelValue, LeavesUtf8AndOtherCharactersAlone) {
  EXPECT_EQ(EscapeLabelValue("caf\xc3\xa9 {x=1}, 'y'\t"), "caf\xc3\xa9 {x=1}, 'y'\t");
}

TEST(EscapeHelp, EscapesBackslashAndNewlineButNotQuotes) {
  EXPECT_EQ(EscapeHelp("a \"b\" \\ c\nd"), "a \"b\" \\\\ c\\nd");
}

TEST(Label, QuotesTheEscapedValue) { EXPECT_EQ(Label("handler", "x\"y"), R"(handler="x\"y")"); }

TEST(FormatValue, WritesShortestFormsAndSpecialValues) {
  EXPECT_EQ(FormatValue(0), "0");
  EXPECT_EQ(FormatValue(5), "5");
  EXPECT_EQ(FormatValue(0.0005), "0.0005");
  EXPECT_EQ(FormatValue(2.5), "2.5");
  EXPECT_EQ(FormatValue(std::numeric_limits<double>::infinity()), "+Inf");
  EXPECT_EQ(FormatValue(-std::numeric_limits<double>::infinity()), "-Inf");
  EXPECT_EQ(FormatValue(std::nan("")), "NaN");
}

TEST(MetricsText, WritesFamiliesAndSamples) {
  MetricsText text;
  text.Counter("x_total", "Things\\done.\nReally.", 3);
  text.Family("y", "gauge", "Why.");
  text.Sample("y", Label("state", "a\"b"), int64_t{-2});
  text.Sample("y", "", 0.5);
  EXPECT_EQ(text.Take(),
            "# HELP x_total Things\\\\done.\\nReally.\n# TYPE x_total counter\nx_total 3\n"
            "# HELP y Why.\n# TYPE y gauge\ny{state=\"a\\\"b\"} -2\ny 0.5\n");
}

TEST(MetricsText, WritesHistogramBucketsSumAndCount) {
  constexpr double kBounds[] = {0.01, 1};
  Histogram histogram(kBounds);
  histogram.Observe(std::chrono::milliseconds(5));
  histogram.Observe(std::chrono::milliseconds(1500));
  MetricsText text;
  text.HistogramSeries("h_seconds", Label("handler", "crm"), histogram.bounds(), histogram.Read());
  EXPECT_EQ(text.Take(),
            "h_seconds_bucket{handler=\"crm\",le=\"0.01\"} 1\n"
            "h_seconds_bucket{handler=\"crm\",le=\"1\"} 1\n"
            "h_seconds_bucket{handler=\"crm\",le=\"+Inf\"} 2\n"
            "h_seconds_sum{handler=\"crm\"} 1.505\n"
            "h_seconds_count{handler=\"crm\"} 2\n");
}

TEST(MetricsText, WritesUnlabelledHistogramsWithOnlyLe) {
  constexpr double kBounds[] = {1};
  const Histogram histogram(kBounds);
  MetricsText text;
  text.HistogramSeries("h_seconds", "", histogram.bounds(), histogram.Read());
  EXPECT_EQ(text.Take(),
            "h_seconds_bucket{le=\"1\"} 0\nh_seconds_bucket{le=\"+Inf\"} 0\nh_seconds_sum 0\nh_seconds_count 0\n");
}

}  // namespace
}  // namespace webhookd
