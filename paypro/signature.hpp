// PayPro's webhook signature: hex HMAC-SHA256 over "<timestamp>.<body>".
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "core/result.hpp"
#include "core/secret.hpp"

namespace webhookd {

/// The `PayPro-Signature` value PayPro sends for `body` signed at `timestamp`.
std::string ComputeWebhookSignature(const Secret& secret, std::string_view timestamp,
                                    std::string_view body);

/// Parses `PayPro-Timestamp` (decimal Unix seconds). Missing, empty, signed or
/// non-numeric values, and values too large for 64 bits, are kBadRequest.
Result<int64_t> ParseWebhookTimestamp(std::string_view header);

/// kUnauthorized when `timestamp` is more than `tolerance_s` away from `now`,
/// in either direction.
Status CheckTimestampFresh(int64_t timestamp, int64_t now, int64_t tolerance_s);

/// kUnauthorized unless one of `secrets` signs `body` at `timestamp` to exactly
/// `signature` (constant-time comparison after a length check).
Status CheckWebhookSignature(std::span<const Secret> secrets, std::string_view timestamp,
                             std::string_view body, std::string_view signature);

}  // namespace webhookd
