// Command-line arguments with `{path}` placeholders filled from event fields.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/result.hpp"
#include "handlers/event_fields.hpp"

namespace webhookd {

/// One argv entry, parsed once: literal text and `{payload.metadata.order_id}`
/// placeholders, any number of each (`--order={payload.metadata.order_id}`).
/// `{{` stands for a literal `{`; a `}` outside a placeholder is literal.
class ArgTemplate {
 public:
  /// kConfig for an unclosed `{` or a placeholder that is not a valid field
  /// path (IsValidFieldPath); the detail quotes the argument.
  static Result<ArgTemplate> Parse(std::string_view text);

  /// The argument for one event: each placeholder replaced by the field's
  /// AsText(); absent and null fields become "".
  std::string Expand(const EventFields& fields) const;

  bool has_placeholders() const;

 private:
  struct Piece {
    bool is_field = false;
    std::string text;  ///< literal text, or the field path
  };
  std::vector<Piece> pieces_;
};

}  // namespace webhookd
