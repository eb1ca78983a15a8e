// `{path}` placeholders in an exec handler's arguments: parsed once, rendered per event.
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.hpp"
#include "handlers/event_fields.hpp"

namespace webhookd {

/// One piece of an argument: literal text, or the field path of a `{path}`.
struct ArgvPart {
  bool is_path = false;
  std::string text;  ///< the literal text, or the path
};

/// Splits `argument` into literal text and `{path}` placeholders, any number
/// of each (`--order={payload.metadata.order_id}`). `{{` is a literal `{`; a
/// `}` outside a placeholder is literal. kConfig errors, with a detail fit for
/// one config key that never quotes the argument: an unterminated `{`, and a
/// placeholder that is not a field path (IsValidFieldPath).
Result<std::vector<ArgvPart>> ParseArgvTemplate(std::string_view argument);

/// The argument for one event: each path replaced by the field's AsText();
/// absent and null fields become "".
std::string Render(std::span<const ArgvPart> parts, const EventFields& fields);

}  // namespace webhookd
