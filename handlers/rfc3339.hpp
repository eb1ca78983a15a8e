// RFC 3339 date-times (PayPro's "2023-12-11T10:56:02Z") to and from Unix microseconds.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/result.hpp"

namespace webhookd {

/// Parses an RFC 3339 date-time ("2023-12-11T10:56:02Z", "...02.123456Z",
/// "...02+01:00") into microseconds since the Unix epoch, UTC. Fractional digits
/// past the sixth are dropped. Anything else (no offset, a space for `T`, a
/// date alone, an impossible day) is kBadRequest.
Result<int64_t> ParseRfc3339(std::string_view text);

/// Formats microseconds since the Unix epoch as UTC: "YYYY-MM-DDTHH:MM:SSZ", or
/// with six fractional digits when the value has a sub-second part. Years
/// outside 0000-9999 cannot be written in RFC 3339 and are clamped to them.
std::string FormatRfc3339(int64_t unix_micros);

}  // namespace webhookd
