// Decoding an event's payload into a typed Resource with simdjson.
#pragma once

#include <simdjson.h>

#include "core/result.hpp"
#include "handlers/resource.hpp"

namespace webhookd {

/// Decodes an event's `payload` object into the struct its `type` field names.
/// A payload that is not an object, a missing `id` on a known kind, or a typed
/// field of the wrong JSON type is kBadRequest (detail names the field). An
/// absent or unknown `type` gives std::monostate, which is not an error.
Result<Resource> DecodeResource(simdjson::dom::element payload);

/// The same, for a payload already known to be an object.
Result<Resource> DecodeResource(simdjson::dom::object payload);

}  // namespace webhookd
