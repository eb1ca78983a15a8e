// HMAC-SHA256 and the encodings our signatures use (hex, base64).
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace webhookd {

/// Raw 32-byte HMAC-SHA256 of `message` keyed with `key`.
std::string HmacSha256(std::string_view key, std::string_view message);

/// Lowercase hexadecimal of arbitrary bytes.
std::string ToHex(std::string_view bytes);

/// Standard base64 with padding (RFC 4648 section 4).
std::string Base64Encode(std::string_view bytes);

/// Decodes standard base64 (RFC 4648 section 4). Padding may be left out;
/// nullopt for any other character (whitespace included), misplaced padding
/// or an impossible length.
std::optional<std::string> Base64Decode(std::string_view text);

/// Compares in time that depends only on the length, so a forger learns
/// nothing from how long a wrong guess took. Different lengths are unequal.
bool ConstantTimeEquals(std::string_view a, std::string_view b);

}  // namespace webhookd
