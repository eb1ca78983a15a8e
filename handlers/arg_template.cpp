// Parsing and expansion of `{path}` placeholders in exec arguments.
#include "handlers/arg_template.hpp"

#include <fmt/format.h>

namespace webhookd {

Result<ArgTemplate> ArgTemplate::Parse(std::string_view text) {
  ArgTemplate parsed;
  std::string literal;
  size_t at = 0;
  while (at < text.size()) {
    const char c = text[at];
    if (c != '{') {
      literal.push_back(c);
      ++at;
      continue;
    }
    if (at + 1 < text.size() && text[at + 1] == '{') {
      literal.push_back('{');
      at += 2;
      continue;
    }
    const size_t close = text.find('}', at + 1);
    if (close == std::string_view::npos) {
      return MakeError(ErrorCode::kConfig, "bad argument",
                       fmt::format("unclosed '{{' in argument \"{}\" (write '{{{{' for a literal '{{')", text));
    }
    const std::string_view path = text.substr(at + 1, close - at - 1);
    if (!IsValidFieldPath(path)) {
      return MakeError(ErrorCode::kConfig, "bad argument",
                       fmt::format("\"{}\" in argument \"{}\" is not a field path like payload.metadata.order_id",
                                   path, text));
    }
    if (!literal.empty()) parsed.pieces_.push_back({false, std::move(literal)});
    literal.clear();
    parsed.pieces_.push_back({true, std::string(path)});
    at = close + 1;
  }
  if (!literal.empty()) parsed.pieces_.push_back({false, std::move(literal)});
  return parsed;
}

std::string ArgTemplate::Expand(const EventFields& fields) const {
  std::string argument;
  for (const Piece& piece : pieces_) {
    if (!piece.is_field) {
      argument += piece.text;
      continue;
    }
    if (const std::optional<FieldValue> value = fields.Get(piece.text)) {
      if (const std::optional<std::string> text = value->AsText()) argument += *text;
    }
  }
  return argument;
}

bool ArgTemplate::has_placeholders() const {
  for (const Piece& piece : pieces_) {
    if (piece.is_field) return true;
  }
  return false;
}

}  // namespace webhookd
