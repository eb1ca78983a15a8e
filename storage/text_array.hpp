// A PostgreSQL text[] literal for values that need no quoting.
#pragma once

#include <string>
#include <vector>

namespace webhookd {

/// `{a,b,c}`. Only for values of letters, digits, `_` and `-` (event ids and
/// handler names, both checked where they enter), which need no quoting
/// inside the braces. Bind it as a parameter and cast it: `$1::text[]`.
inline std::string TextArrayLiteral(const std::vector<std::string>& values) {
  std::string literal = "{";
  for (size_t i = 0; i < values.size(); ++i) literal += (i ? "," : "") + values[i];
  return literal + "}";
}

}  // namespace webhookd
