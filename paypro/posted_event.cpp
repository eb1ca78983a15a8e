// Parsing posted webhook bodies.
#include "paypro/posted_event.hpp"

#include <simdjson.h>

#include "handlers/rfc3339.hpp"
#include "paypro/event_id.hpp"

namespace webhookd {

namespace {

Error BadBody(std::string detail) { return MakeError(ErrorCode::kBadRequest, "invalid event body", std::move(detail)); }

bool LooksLikeResourceId(std::string_view id) {
  if (id.empty() || id.size() > 64) return false;
  for (char c : id) {
    if (!((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))) return false;
  }
  return true;
}

std::string StringOr(simdjson::dom::element element, std::string_view fallback = {}) {
  std::string_view text;
  return std::string(element.get_string().get(text) == simdjson::SUCCESS ? text : fallback);
}

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
    } else if (field.key == "created_at") {
      event.created_at = StringOr(field.value);
      if (!ParseRfc3339(event.created_at)) event.created_at.clear();
    } else if (field.key == "payload") {
      // get() rather than the conversion to element, which throws when the
      // payload is null, not an object, or has no id: only a hint is missing.
      simdjson::dom::element resource_id;
      if (field.value["id"].get(resource_id) == simdjson::SUCCESS) event.resource_id = StringOr(resource_id);
      if (!LooksLikeResourceId(event.resource_id)) event.resource_id.clear();
    }
  }
  if (ids != 1) return BadBody(ids == 0 ? "body has no id" : "body has more than one id");
  if (!IsValidEventId(event.id)) {
    return MakeError(ErrorCode::kBadRequest, "invalid event id",
                     "id is not EV followed by 4-64 uppercase letters or digits");
  }
  return event;
}

}  // namespace webhookd
