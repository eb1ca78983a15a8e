// Putting failed and dead events back in line (--retry-event, --retry-dead).
#pragma once

#include <optional>
#include <string>

namespace pqxx {
class connection_base;
}

namespace webhookd {

/// Makes a failed or dead event due now with its attempts reset; of its
/// handler runs only those that did not succeed run again. Returns the
/// state the event was in, nullopt when unknown; an event in another state
/// is left alone.
std::optional<std::string> RetryEvent(pqxx::connection_base& connection, const std::string& event_id);

/// RetryEvent for every dead event; returns how many.
int RetryDeadEvents(pqxx::connection_base& connection);

}  // namespace webhookd
