// Logger set-up.
#include "daemon/logging.hpp"

#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include <cstdlib>

namespace webhookd {

void ConfigureLogging(const LogConfig& config) {
  auto logger = spdlog::stderr_logger_mt("paypro-webhookd");
  spdlog::set_default_logger(logger);
  spdlog::set_level(spdlog::level::from_str(config.level));
  const bool journald = std::getenv("JOURNAL_STREAM") != nullptr;
  if (config.json) {
    spdlog::set_pattern(journald ? R"({"level":"%l","msg":"%v"})"
                                 : R"({"time":"%Y-%m-%dT%H:%M:%S.%fZ","level":"%l","msg":"%v"})",
                        spdlog::pattern_time_type::utc);
  } else {
    spdlog::set_pattern(journald ? "%v" : "%Y-%m-%dT%H:%M:%S.%eZ %l %v", spdlog::pattern_time_type::utc);
  }
  spdlog::flush_on(spdlog::level::info);
}

}  // namespace webhookd
