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

// %J: "<N>", the line's priority in the form journald reads from a stream
// (sd-daemon(3)); journald strips it and stores it as PRIORITY.
class SyslogPriorityPrefix final : public spdlog::custom_flag_formatter {
 public:
  void format(const spdlog::details::log_msg& message, const std::tm&, spdlog::memory_buf_t& out) override {
    const char prefix[] = {'<', static_cast<char>('0' + SyslogPriority(message.level)), '>'};
    out.append(prefix, prefix + sizeof(prefix));
  }
  std::unique_ptr<custom_flag_formatter> clone() const override { return std::make_unique<SyslogPriorityPrefix>(); }
};

const char* Pattern(LogFormat format, bool journald) {
  if (format == LogFormat::kJson) {
    return journald ? R"(%J{"level":"%l","msg":"%j"})" : R"({"time":"%Y-%m-%dT%H:%M:%S.%fZ","level":"%l","msg":"%j"})";
  }
  return journald ? "%J%v" : "%Y-%m-%dT%H:%M:%S.%eZ %l %v";
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
