// Signing and checking PayPro webhook calls.
#include "paypro/signature.hpp"

#include <charconv>

#include "core/crypto.hpp"

namespace webhookd {

namespace {
constexpr size_t kSignatureHexLength = 64;
}  // namespace

std::string ComputeWebhookSignature(const Secret& secret, std::string_view timestamp,
                                    std::string_view body) {
  std::string message;
  message.reserve(timestamp.size() + 1 + body.size());
  message.append(timestamp).append(".").append(body);
  return ToHex(HmacSha256(secret.Reveal(), message));
}

Result<int64_t> ParseWebhookTimestamp(std::string_view header) {
  if (header.empty()) {
    return MakeError(ErrorCode::kBadRequest, "missing PayPro-Timestamp",
                     "PayPro-Timestamp header is missing or empty");
  }
  int64_t value = 0;
  const auto [end, error] = std::from_chars(header.data(), header.data() + header.size(), value);
  const bool all_digits = header.find_first_not_of("0123456789") == std::string_view::npos;
  if (!all_digits || error != std::errc() || end != header.data() + header.size()) {
    return MakeError(ErrorCode::kBadRequest, "invalid PayPro-Timestamp",
                     "PayPro-Timestamp is not a non-negative decimal integer");
  }
  return value;
}

Status CheckTimestampFresh(int64_t timestamp, int64_t now, int64_t tolerance_s) {
  // Written as two comparisons so that huge values cannot overflow a subtraction.
  if (timestamp < now - tolerance_s || timestamp > now + tolerance_s) {
    return MakeError(ErrorCode::kUnauthorized, "timestamp outside tolerance",
                     "PayPro-Timestamp is more than the tolerance away from now");
  }
  return Ok{};
}

Status CheckWebhookSignature(std::span<const Secret> secrets, std::string_view timestamp,
                             std::string_view body, std::string_view signature) {
  if (signature.size() == kSignatureHexLength) {
    for (const Secret& secret : secrets) {
      if (ConstantTimeEquals(ComputeWebhookSignature(secret, timestamp, body), signature)) {
        return Ok{};
      }
    }
  }
  return MakeError(ErrorCode::kUnauthorized, "invalid signature",
                   "PayPro-Signature matches none of the configured webhook secrets");
}

}  // namespace webhookd
