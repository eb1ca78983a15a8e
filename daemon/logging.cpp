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

}  // namespace

void ConfigureLogging(const LogConfig& config) {
  auto logger = spdlog::stderr_logger_mt("paypro-webhookd");
  spdlog::set_default_logger(logger);
  spdlog::set_level(spdlog::level::from_str(config.level));
  const bool journald = std::getenv("JOURNAL_STREAM") != nullptr;
  if (config.json) {
    auto formatter = std::make_unique<spdlog::pattern_formatter>(spdlog::pattern_time_type::utc);
    formatter->add_flag<JsonEscapedMessage>('j').set_pattern(
        journald ? R"({"level":"%l","msg":"%j"})" : R"({"time":"%Y-%m-%dT%H:%M:%S.%fZ","level":"%l","msg":"%j"})");
    spdlog::set_formatter(std::move(formatter));
  } else {
    spdlog::set_pattern(journald ? "%v" : "%Y-%m-%dT%H:%M:%S.%eZ %l %v", spdlog::pattern_time_type::utc);
  }
  spdlog::flush_on(spdlog::level::info);
}

}  // namespace webhookd
