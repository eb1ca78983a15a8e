// Webhook intake checks.
#include "daemon/intake.hpp"

#include <simdjson.h>

#include "paypro/event_id.hpp"
#include "paypro/signature.hpp"

namespace webhookd {

namespace {

std::string_view PathOf(std::string_view target) { return target.substr(0, target.find('?')); }

Error BadBody(std::string detail) { return MakeError(ErrorCode::kBadRequest, "invalid event body", std::move(detail)); }

}  // namespace

Result<PostedEvent> ParsePostedEvent(std::string_view body) {
  // One parser per thread: reused buffers, no allocation per request.
  thread_local simdjson::dom::parser parser;
  simdjson::dom::element root;
  if (parser.parse(body.data(), body.size()).get(root) != simdjson::SUCCESS) {
    return BadBody("body is not valid JSON (or is nested too deeply)");
  }
  simdjson::dom::object object;
  if (root.get_object().get(object) != simdjson::SUCCESS) return BadBody("body is not a JSON object");
  PostedEvent event;
  int ids = 0;
  for (const auto field : object) {
    if (field.key == "id") {
      ++ids;
      std::string_view id;
      if (field.value.get_string().get(id) != simdjson::SUCCESS) return BadBody("id is not a string");
      event.id = std::string(id);
    } else if (field.key == "event_type") {
      std::string_view type;
      if (field.value.get_string().get(type) != simdjson::SUCCESS) return BadBody("event_type is not a string");
      event.event_type = std::string(type);
    }
  }
  if (ids != 1) return BadBody(ids == 0 ? "body has no id" : "body has more than one id");
  if (!IsValidEventId(event.id)) {
    return MakeError(ErrorCode::kBadRequest, "invalid event id",
                     "id is not EV followed by 4-64 uppercase letters or digits");
  }
  return event;
}

Result<AcceptedWebhook> DecideIntake(ServerRequest request, const IntakeSettings& settings, int64_t now) {
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
  return AcceptedWebhook{std::move(posted->id), std::move(posted->event_type), std::move(request.body)};
}

}  // namespace webhookd
