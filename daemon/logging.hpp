// spdlog set-up from the `log:` section.
#pragma once

#include <spdlog/common.h>
#include <spdlog/formatter.h>

#include <memory>

#include "config/config.hpp"

namespace webhookd {

/// Sets level and format of the default logger (stderr). Under journald
/// (JOURNAL_STREAM set) every line starts with its <N> syslog priority and
/// carries no timestamp (journald adds both); otherwise lines start with an
/// RFC 3339 UTC timestamp.
void ConfigureLogging(const LogConfig& config);

/// The line formatter ConfigureLogging installs: text (`time level message`)
/// or one JSON object per line, with or without the journald conventions.
std::unique_ptr<spdlog::formatter> MakeLogFormatter(LogFormat format, bool journald);

/// The sd-daemon(3) priority of a level: critical 2 (SD_CRIT), error 3,
/// warn 4, info 6, debug and trace 7.
int SyslogPriority(spdlog::level::level_enum level);

}  // namespace webhookd
