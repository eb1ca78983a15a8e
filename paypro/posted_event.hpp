// What the daemon reads from a posted webhook body before PayPro confirms it.
#pragma once

#include <string>
#include <string_view>

#include "core/result.hpp"

namespace webhookd {

/// The id and a few hints from a posted Event object. Only the id is
/// required; the hints (type, resource id, created_at) let the daemon keep
/// a resource's events in order before each is verified, and are replaced by
/// PayPro's copy on verification. A hint that is malformed is left empty.
struct PostedEvent {
  std::string id;
  std::string event_type;
  std::string resource_id;  ///< payload.id when it looks like a PayPro id
  std::string created_at;   ///< when it is valid RFC 3339
};

/// The body must be a JSON object with exactly one `id`, a string that
/// IsValidEventId accepts, and an `event_type`, if any, that is a string;
/// kBadRequest otherwise.
Result<PostedEvent> ParsePostedEvent(std::string_view body);

}  // namespace webhookd
