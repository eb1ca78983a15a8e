// Read-only views of stored events for operators (--show-event, --list-events).
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace pqxx {
class connection_base;
}

namespace webhookd {

/// The stored record of one event as a JSON object, nullopt when unknown.
std::optional<std::string> ShowEventJson(pqxx::connection_base& connection, const std::string& event_id);

/// Up to `limit` events, newest first, optionally only in `state`; one JSON
/// object each.
std::vector<std::string> ListEventsJson(pqxx::connection_base& connection, const std::optional<std::string>& state,
                                        int limit);

/// Event counts by state, as a JSON object.
std::string CountByStateJson(pqxx::connection_base& connection);

}  // namespace webhookd
