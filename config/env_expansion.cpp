// ${NAME} expansion, and the process environment as an EnvLookup.
#include "config/env_expansion.hpp"

#include <fmt/format.h>

#include <cstdlib>

namespace webhookd {

namespace {

bool IsVariableName(std::string_view name) {
  if (name.empty() || (name[0] >= '0' && name[0] <= '9')) return false;
  for (const char c : name) {
    const bool word =
        (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
    if (!word) return false;
  }
  return true;
}

Error ExpansionError(std::string detail) {
  return MakeError(ErrorCode::kConfig, "invalid configuration", std::move(detail));
}

}  // namespace

EnvLookup ProcessEnvironment() {
  return [](std::string_view name) -> std::optional<std::string> {
    const char* value = std::getenv(std::string(name).c_str());
    if (value == nullptr) return std::nullopt;
    return std::string(value);
  };
}

Result<std::string> ExpandEnvironment(std::string_view text, const EnvLookup& env) {
  std::string out;
  out.reserve(text.size());
  while (!text.empty()) {
    const size_t dollar = text.find('$');
    out.append(text.substr(0, dollar));
    if (dollar == std::string_view::npos) break;
    const std::string_view rest = text.substr(dollar + 1);
    if (!rest.starts_with('{')) {
      // "$$" is the escape for "$"; a lone "$" (say, in a password) is kept
      // as it is rather than rejected.
      out += '$';
      text = rest.starts_with('$') ? rest.substr(1) : rest;
      continue;
    }
    const size_t close = rest.find('}');
    if (close == std::string_view::npos) {
      return ExpansionError("unterminated ${ (write $$ for a literal $)");
    }
    // The text between the braces is not echoed: a mistyped value could be a secret.
    const std::string_view name = rest.substr(1, close - 1);
    if (!IsVariableName(name)) {
      return ExpansionError("invalid variable name in ${...} (write $$ for a literal $)");
    }
    const std::optional<std::string> value = env(name);
    if (!value) return ExpansionError(fmt::format("environment variable {} is not set", name));
    out += *value;
    text = rest.substr(close + 1);
  }
  return out;
}

}  // namespace webhookd
