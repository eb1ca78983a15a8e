// --show-event and --list-events: stored events for operators, as JSON.
#pragma once

#include <optional>
#include <string>

#include "config/config.hpp"

namespace webhookd {

/// Prints one event's record; returns the exit code (1 when unknown).
int ShowEvent(const Config& config, const std::string& event_id);

/// Prints events newest first, one JSON object per line; returns the exit code.
int ListEvents(const Config& config, const std::optional<std::string>& state, int limit);

}  // namespace webhookd
