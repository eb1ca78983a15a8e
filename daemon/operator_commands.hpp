// Operator commands on stored events: show, list, retry.
#pragma once

#include <optional>
#include <string>

#include "config/config.hpp"

namespace webhookd {

/// Prints one event's record; returns the exit code (1 when unknown).
int ShowEvent(const Config& config, const std::string& event_id);

/// Prints events newest first, one JSON object per line; returns the exit code.
int ListEvents(const Config& config, const std::optional<std::string>& state, int limit);

/// Puts a failed or dead event back in line; exit 1 when unknown or in another state.
int RetryEventCommand(const Config& config, const std::string& event_id);

/// Puts every dead event back in line.
int RetryDeadCommand(const Config& config);

}  // namespace webhookd
