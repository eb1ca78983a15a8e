// JSON bodies whose links take the base URL only when they are served.
#pragma once

#include <string>
#include <string_view>

namespace webhookd::sandbox {

/// Marks where a stored body needs the base URL ("https://api.paypro.nl"),
/// which is known only per request (`--public-url` or the Host header).
/// JsonWriter escapes control characters, so this byte never occurs inside a
/// serialised value and can safely mark the spot.
inline constexpr char kBaseMarker = '\x01';

/// Appends `body_template` to `out` with each marker replaced by `escaped_base`.
void AppendWithBase(std::string& out, std::string_view body_template,
                    std::string_view escaped_base);

/// `body_template` rendered with `escaped_base`.
std::string RenderWithBase(std::string_view body_template, std::string_view escaped_base);

/// `base` made safe to stand inside a JSON string (escaped, no quotes) and
/// without a trailing slash: a Host header is client input.
std::string EscapeBaseForJson(std::string_view base);

}  // namespace webhookd::sandbox
