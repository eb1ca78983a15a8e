// PostgreSQL text[] literals, bound as parameters and cast: `$1::text[]`.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace webhookd {

/// `{a,b,c}`. Only for values of letters, digits, `_` and `-` (event ids and
/// handler names, both checked where they enter), which need no quoting
/// inside the braces.
inline std::string TextArrayLiteral(const std::vector<std::string>& values) {
  std::string literal = "{";
  for (size_t i = 0; i < values.size(); ++i) literal += (i ? "," : "") + values[i];
  return literal + "}";
}

/// `{"a","b\"c",NULL}` for any text: every element double-quoted with `\`
/// and `"` escaped, so braces, commas, spaces and the word NULL stay text;
/// nullopt becomes NULL. Text must not contain a NUL byte (PostgreSQL's text
/// cannot).
inline std::string QuotedArrayLiteral(const std::vector<std::optional<std::string_view>>& values) {
  size_t size = 2;
  for (const auto& value : values) size += value ? value->size() + 3 : 5;
  std::string literal;
  literal.reserve(size + size / 16);
  literal += '{';
  for (size_t i = 0; i < values.size(); ++i) {
    if (i > 0) literal += ',';
    if (!values[i]) {
      literal += "NULL";
      continue;
    }
    literal += '"';
    for (const char c : *values[i]) {
      if (c == '"' || c == '\\') literal += '\\';
      literal += c;
    }
    literal += '"';
  }
  literal += '}';
  return literal;
}

}  // namespace webhookd
