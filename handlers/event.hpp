// A PayPro Event object, decoded from its JSON.
#pragma once

#include <string>
#include <string_view>

#include "core/result.hpp"
#include "handlers/event_type.hpp"
#include "handlers/resource.hpp"

namespace webhookd {

/// A verified PayPro event, decoded.
struct Event {
  std::string id;                        ///< "EV..."
  std::string type_name;                 ///< "payment.paid", kept even when unknown
  EventType type = EventType::kUnknown;  ///< kUnknown for types we do not know
  std::string created_at;                ///< RFC 3339 as sent
  std::string resource_type;             ///< payload.type, "" if absent
  std::string resource_id;               ///< payload.id, "" if absent
  Resource resource;                     ///< typed payload; std::monostate when unknown or absent
  std::string json;                      ///< the whole event JSON exactly as received
};

/// Decodes an Event object (see WEBHOOKS.md "The Event object"). Errors are
/// kBadRequest with a detail naming what is wrong: not valid JSON, not an
/// object, missing or invalid `id` (IsValidEventId), missing `event_type` or
/// `created_at` string, `payload` present but not an object (null counts as
/// absent), a typed field of the wrong JSON type. Unknown event types and
/// unknown resource kinds are NOT errors.
Result<Event> DecodeEvent(std::string_view json);

}  // namespace webhookd
