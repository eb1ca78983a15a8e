// Logger set-up.
#include "daemon/logging.hpp"

#include <spdlog/pattern_formatter.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include <cstdlib>

#include "core/json_writer.hpp"

namespace webhookd {

namespace {

// %j: the message as the inside of a JSON string, so that json lines stay
// valid whatever a message contains.
class JsonEscapedMessage final : public spdlog::custom_flag_formatter {
 public:
  void format(const spdlog::details::log_msg& message, const std::tm&, spdlog::memory_buf_t& out) override {
    std::string quoted;
    AppendJsonString(quoted, std::string_view(message.payload.data(), message.payload.size()));
    out.append(quoted.data() + 1, quoted.data() + quoted.size() - 1);
  }
  std::unique_ptr<custom_flag_formatter> clone() const override { return std::make_unique<JsonEscapedMessage>(); }
};

void AppendPriority(spdlog::level::level_enum level, spdlog::memory_buf_t& out) {
  const char prefix[] = {'<', static_cast<char>('0' + SyslogPriority(level)), '>'};
  out.append(prefix, prefix + sizeof(prefix));
}

// %J: "<N>", the line's priority in the form journald reads from a stream
// (sd-daemon(3)); journald strips it and stores it as PRIORITY.
class SyslogPriorityPrefix final : public spdlog::custom_flag_formatter {
 public:
  void format(const spdlog::details::log_msg& message, const std::tm&, spdlog::memory_buf_t& out) override {
    AppendPriority(message.level, out);
  }
  std::unique_ptr<custom_flag_formatter> clone() const override { return std::make_unique<SyslogPriorityPrefix>(); }
};

// %V: the message with "<N>" before each of its lines, and no trailing line
// breaks (libpq's messages end with one). journald makes every line of a
// stream an entry of its own, and a line without "<N>" gets the stream's
// default (info): the DETAIL line of a PostgreSQL error would otherwise be
// logged as information.
class PrioritizedLines final : public spdlog::custom_flag_formatter {
 public:
  void format(const spdlog::details::log_msg& message, const std::tm&, spdlog::memory_buf_t& out) override {
    std::string_view text(message.payload.data(), message.payload.size());
    while (text.ends_with('\n')) text.remove_suffix(1);
    for (size_t start = 0;;) {
      AppendPriority(message.level, out);
      const size_t end = text.find('\n', start);
      const std::string_view line = text.substr(start, end == std::string_view::npos ? end : end + 1 - start);
      out.append(line.data(), line.data() + line.size());
      if (end == std::string_view::npos) return;
      start = end + 1;
    }
  }
  std::unique_ptr<custom_flag_formatter> clone() const override { return std::make_unique<PrioritizedLines>(); }
};

const char* Pattern(LogFormat format, bool journald) {
  if (format == LogFormat::kJson) {
    return journald ? R"(%J{"level":"%l","msg":"%j"})" : R"({"time":"%Y-%m-%dT%H:%M:%S.%fZ","level":"%l","msg":"%j"})";
  }
  return journald ? "%V" : "%Y-%m-%dT%H:%M:%S.%eZ %l %v";
}

}  // namespace

int SyslogPriority(spdlog::level::level_enum level) {
  switch (level) {
    case spdlog::level::critical: return 2;
    case spdlog::level::err: return 3;
    case spdlog::level::warn: return 4;
    case spdlog::level::trace:
    case spdlog::level::debug: return 7;
    default: return 6;
  }
}

std::unique_ptr<spdlog::formatter> MakeLogFormatter(LogFormat format, bool journald) {
  auto formatter = std::make_unique<spdlog::pattern_formatter>(spdlog::pattern_time_type::utc);
  formatter->add_flag<JsonEscapedMessage>('j');
  formatter->add_flag<SyslogPriorityPrefix>('J');
  formatter->add_flag<PrioritizedLines>('V');
  formatter->set_pattern(Pattern(format, journald));
  return formatter;
}

void ConfigureLogging(const LogConfig& config) {
  auto logger = spdlog::stderr_logger_mt("paypro-webhookd");
  spdlog::set_default_logger(logger);
  spdlog::set_level(spdlog::level::from_str(config.level));
  spdlog::set_formatter(MakeLogFormatter(config.format, std::getenv("JOURNAL_STREAM") != nullptr));
  spdlog::flush_on(spdlog::level::info);
}

}  // namespace webhookd
