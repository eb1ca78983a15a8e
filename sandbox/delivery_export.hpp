// Signed webhook calls written out as lines of JSON, for load generators that send them themselves.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "core/secret.hpp"
#include "sandbox/event_store.hpp"

namespace webhookd::sandbox {

/// One line per event in the given order, each
/// `{"timestamp":"<T>","signature":"<hex>","body":"<the Event JSON as a string>"}`
/// and a newline: the headers and body of the call WebhookSender would make
/// for that event, signed with `secret` at `timestamp` (Unix seconds), with
/// links rendered for `escaped_base` (see base_template.hpp).
std::string ExportDeliveries(std::span<const StoredEvent* const> events,
                             std::string_view escaped_base, const Secret& secret,
                             int64_t timestamp);

}  // namespace webhookd::sandbox
