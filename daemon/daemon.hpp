// The running daemon: listeners, inbox, verifier and processor, wired together.
#pragma once

#include "config/config.hpp"

namespace webhookd {

/// Runs until SIGTERM or SIGINT, then drains and returns the exit code
/// (0 after a clean stop).
int RunDaemon(const Config& config);

}  // namespace webhookd
