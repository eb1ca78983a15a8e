// spdlog set-up from the `log:` section.
#pragma once

#include "config/config.hpp"

namespace webhookd {

/// Sets level and format of the default logger (stderr). Under journald
/// (JOURNAL_STREAM set) lines carry <N> priority prefixes and no timestamp.
void ConfigureLogging(const LogConfig& config);

}  // namespace webhookd
