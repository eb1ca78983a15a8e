// What a configuration reload may change, and what needs a restart.
#pragma once

#include <string>
#include <vector>

#include "config/config.hpp"

namespace webhookd {

/// The settings that differ between `running` and `loaded` but only take
/// effect at a restart (listen addresses, TLS, database, worker counts, the
/// API connection), by key name.
std::vector<std::string> RestartOnlyChanges(const Config& running, const Config& loaded);

/// `loaded`, with every restart-only setting put back to the running value,
/// so that what the daemon reports as in force is what it really uses.
Config KeepRestartOnlySettings(const Config& running, Config loaded);

}  // namespace webhookd
