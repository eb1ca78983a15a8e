// Whether a field path in a handler's config can exist in the events the handler takes.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace webhookd {

/// nullopt when `path` can exist in an event that one of `patterns` ("*",
/// "payment.*", "payment.paid") matches; otherwise why not, to follow the
/// path in a message: "cannot exist for payment events (fields: id, type,
/// amount, ...)". An event has `id`, `type`, `event_type`, `created_at` and
/// `payload`; the first key under `payload.` must be a field of a resource
/// kind the patterns match (ResourceFieldNames), except that anything under
/// `payload.metadata` is free-form, and a pattern of a resource we do not know
/// ("foo.*") allows any payload path. `path` must be a valid field path.
std::optional<std::string> WhyFieldCannotExist(std::string_view path,
                                               std::span<const std::string> patterns);

}  // namespace webhookd
