// Webhook intake checks.
#include "daemon/intake.hpp"

#include "daemon/client_address.hpp"
#include "paypro/signature.hpp"

namespace webhookd {

namespace {

std::string_view PathOf(std::string_view target) { return target.substr(0, target.find('?')); }

}  // namespace

Result<AcceptedWebhook> DecideIntake(ServerRequest request, const std::optional<IpAddress>& client,
                                     const IntakeSettings& settings, int64_t now) {
  if (!ClientAllowed(client, settings.allow_from)) {
    return MakeError(ErrorCode::kForbidden, "forbidden", "client not in server.allow_from");
  }
  if (PathOf(request.target) != settings.path) return MakeError(ErrorCode::kNotFound, "not found");
  if (request.method != "POST") return MakeError(ErrorCode::kMethodNotAllowed, "method not allowed");
  const HttpHeaders& headers = request.headers;
  if (headers.Count("PayPro-Timestamp") > 1 || headers.Count("PayPro-Signature") > 1) {
    return MakeError(ErrorCode::kBadRequest, "repeated PayPro header",
                     "PayPro-Timestamp or PayPro-Signature occurs more than once");
  }
  const std::string_view timestamp_text = headers.Get("PayPro-Timestamp");
  auto timestamp = ParseWebhookTimestamp(timestamp_text);
  if (!timestamp) return timestamp.take_error();
  if (auto signed_ok = CheckWebhookSignature(settings.secrets, timestamp_text, request.body,
                                             headers.Get("PayPro-Signature"));
      !signed_ok) {
    return signed_ok.take_error();
  }
  if (auto fresh = CheckTimestampFresh(*timestamp, now, settings.timestamp_tolerance_s); !fresh) {
    return fresh.take_error();
  }
  auto posted = ParsePostedEvent(request.body);
  if (!posted) return posted.take_error();
  return AcceptedWebhook{std::move(*posted), std::move(request.body)};
}

}  // namespace webhookd
