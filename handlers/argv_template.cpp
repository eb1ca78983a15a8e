// Parsing and rendering of `{path}` argument templates.
#include "handlers/argv_template.hpp"

namespace webhookd {

namespace {

Error TemplateError(std::string detail) {
  return MakeError(ErrorCode::kConfig, "invalid argument template", std::move(detail));
}

void AddText(std::vector<ArgvPart>& parts, std::string_view text) {
  if (text.empty()) return;
  if (parts.empty() || parts.back().is_path) parts.push_back({false, ""});
  parts.back().text += text;
}

}  // namespace

Result<std::vector<ArgvPart>> ParseArgvTemplate(std::string_view argument) {
  std::vector<ArgvPart> parts;
  while (!argument.empty()) {
    const size_t open = argument.find('{');
    AddText(parts, argument.substr(0, open));
    if (open == std::string_view::npos) break;
    if (argument.substr(open + 1).starts_with('{')) {
      AddText(parts, "{");
      argument.remove_prefix(open + 2);
      continue;
    }
    const size_t close = argument.find('}', open);
    if (close == std::string_view::npos) {
      return TemplateError("unterminated { (write {{ for a literal {)");
    }
    const std::string_view path = argument.substr(open + 1, close - open - 1);
    // The text between the braces is not echoed: the argument may hold a
    // ${NAME} expansion, and so a secret.
    if (!IsValidFieldPath(path)) {
      return TemplateError(
          "a {...} placeholder must hold a field path like payload.metadata.order_id (write {{ "
          "for a literal {)");
    }
    parts.push_back({true, std::string(path)});
    argument.remove_prefix(close + 1);
  }
  return parts;
}

std::string Render(std::span<const ArgvPart> parts, const EventFields& fields) {
  std::string argument;
  for (const ArgvPart& part : parts) {
    if (!part.is_path) {
      argument += part.text;
    } else if (const std::optional<FieldValue> value = fields.Get(part.text)) {
      argument += value->AsText().value_or("");
    }
  }
  return argument;
}

}  // namespace webhookd
