// `paypro-sandbox trigger`: a client of a running sandbox's control API.
#pragma once

#include "sandbox/sandbox_options.hpp"

namespace webhookd::sandbox {

/// Asks the sandbox to create and deliver events; with `wait`, polls
/// /_sandbox/deliveries until nothing is pending and prints the summary.
/// Returns the process exit code.
int RunTrigger(const TriggerOptions& options);

}  // namespace webhookd::sandbox
