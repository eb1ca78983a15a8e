// Signed webhook calls for the load generator: read from the sandbox's export, re-signed, put on
// the wire.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.hpp"
#include "core/secret.hpp"
#include "core/url.hpp"

namespace webhookd::bench {

/// One webhook call: PayPro's two headers and the body they sign.
struct SignedDelivery {
  std::string timestamp;  ///< PayPro-Timestamp
  std::string signature;  ///< PayPro-Signature
  std::string body;
};

/// Parses one line of POST /_sandbox/export's answer:
/// `{"timestamp":"...","signature":"...","body":"..."}`. kBadRequest when it is
/// not such an object.
Result<SignedDelivery> ParseDeliveryLine(std::string_view line);

/// Parses a whole export, one delivery per non-blank line; the error names the line.
Result<std::vector<SignedDelivery>> ParseDeliveries(std::string_view text);

/// How calls are signed before they are sent.
enum class Signing {
  kAsExported,  ///< keep the sandbox's timestamp and signature
  kPayPro,      ///< sign again now, PayPro's way (HMAC over "<timestamp>.<body>")
  kBodyHmac,    ///< hex HMAC-SHA256 over the body alone, for receivers that cannot
                ///< include a header in the signed text (adnanh/webhook's payload-hmac-sha256)
};

/// Re-signs `delivery` with `secret`; `timestamp` (Unix seconds) is the new
/// PayPro-Timestamp for kPayPro and kBodyHmac. kAsExported changes nothing.
void Resign(SignedDelivery& delivery, Signing signing, const Secret& secret, int64_t timestamp);

/// The complete HTTP/1.1 POST of `delivery` to `url` (its host, port and
/// path), with Content-Length and, when `connection_close`, `Connection: close`.
std::string FormatRequest(const SignedDelivery& delivery, const Url& url, bool connection_close);

}  // namespace webhookd::bench
