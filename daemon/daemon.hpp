// The running daemon: listeners, inbox, verifier, processor and handler
// runner, wired together, with reload and graceful shutdown.
#pragma once

#include <string>

#include "config/config.hpp"
#include "config/config_loader.hpp"

namespace webhookd {

/// Runs until SIGTERM or SIGINT, then drains and returns the exit code
/// (0 after a clean stop). SIGHUP and changes to `config_path` reload the
/// configuration; an invalid one is logged and the running one stays.
int RunDaemon(const Config& config, const std::string& config_path, const EnvLookup& env);

}  // namespace webhookd
