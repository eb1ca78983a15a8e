// Tests for log line formats, with and without journald.
#include "daemon/logging.hpp"

#include <gtest/gtest.h>
#include <spdlog/details/log_msg.h>

#include <regex>
#include <string>

namespace webhookd {
namespace {

std::string Line(LogFormat format, bool journald, spdlog::level::level_enum level, std::string_view text) {
  const std::unique_ptr<spdlog::formatter> formatter = MakeLogFormatter(format, journald);
  const spdlog::details::log_msg message(spdlog::source_loc{}, "paypro-webhookd", level,
                                         spdlog::string_view_t(text.data(), text.size()));
  spdlog::memory_buf_t out;
  formatter->format(message, out);
  return fmt::to_string(out);
}

TEST(SyslogPriority, FollowsSdDaemonLevels) {
  EXPECT_EQ(SyslogPriority(spdlog::level::critical), 2);
  EXPECT_EQ(SyslogPriority(spdlog::level::err), 3);
  EXPECT_EQ(SyslogPriority(spdlog::level::warn), 4);
  EXPECT_EQ(SyslogPriority(spdlog::level::info), 6);
  EXPECT_EQ(SyslogPriority(spdlog::level::debug), 7);
  EXPECT_EQ(SyslogPriority(spdlog::level::trace), 7);
}

TEST(MakeLogFormatter, JournaldTextLinesStartWithThePriorityAndHaveNoTimestamp) {
  EXPECT_EQ(Line(LogFormat::kText, true, spdlog::level::info, "ready"), "<6>ready\n");
  EXPECT_EQ(Line(LogFormat::kText, true, spdlog::level::critical, "gone"), "<2>gone\n");
  EXPECT_EQ(Line(LogFormat::kText, true, spdlog::level::err, "bad"), "<3>bad\n");
  EXPECT_EQ(Line(LogFormat::kText, true, spdlog::level::warn, "odd"), "<4>odd\n");
  EXPECT_EQ(Line(LogFormat::kText, true, spdlog::level::debug, "why"), "<7>why\n");
  EXPECT_EQ(Line(LogFormat::kText, true, spdlog::level::trace, "how"), "<7>how\n");
}

TEST(MakeLogFormatter, JournaldTextGivesEveryLineOfAMessageItsPriority) {
  EXPECT_EQ(Line(LogFormat::kText, true, spdlog::level::err, "insert failed: ERROR: x\nDETAIL: y\n"),
            "<3>insert failed: ERROR: x\n<3>DETAIL: y\n");
  EXPECT_EQ(Line(LogFormat::kText, true, spdlog::level::info, "one line"), "<6>one line\n");
}

TEST(MakeLogFormatter, JournaldJsonLinesStartWithThePriorityAndHaveNoTime) {
  EXPECT_EQ(Line(LogFormat::kJson, true, spdlog::level::err, R"(a "quoted" \ word)"),
            R"(<3>{"level":"error","msg":"a \"quoted\" \\ word"})"
            "\n");
}

TEST(MakeLogFormatter, TextLinesOtherwiseStartWithAUtcTimestampAndLevel) {
  const std::string line = Line(LogFormat::kText, false, spdlog::level::warn, "odd");
  EXPECT_TRUE(std::regex_match(line, std::regex(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z warning odd\n)"))) << line;
}

TEST(MakeLogFormatter, JsonLinesOtherwiseCarryTheTime) {
  const std::string line = Line(LogFormat::kJson, false, spdlog::level::info, "line\nbreak");
  EXPECT_TRUE(std::regex_match(
      line, std::regex(R"(\{"time":"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z","level":"info","msg":"line\\nbreak"\}\n)")))
      << line;
}

}  // namespace
}  // namespace webhookd
