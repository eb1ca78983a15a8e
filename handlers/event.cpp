// Decoding a PayPro Event object with simdjson's DOM parser.
#include "handlers/event.hpp"

#include <simdjson.h>

#include "handlers/field_reader.hpp"
#include "handlers/resource_decode.hpp"
#include "paypro/event_id.hpp"

namespace webhookd {

namespace {

Error Malformed(std::string detail) {
  return MakeError(ErrorCode::kBadRequest, "malformed event", std::move(detail));
}

// Fills the payload's summary fields and typed resource.
Status DecodePayload(simdjson::dom::object payload, Event& event) {
  FieldReader in(payload, "payload");
  std::optional<std::string> resource_type;
  std::optional<std::string> resource_id;
  in.Read("type", resource_type);
  in.Read("id", resource_id);
  if (Status read = in.Finish(Ok{}); !read) return read.take_error();
  event.resource_type = resource_type.value_or("");
  event.resource_id = resource_id.value_or("");
  Result<Resource> resource = DecodeResource(payload);
  if (!resource) return resource.take_error();
  event.resource = std::move(resource).value();
  return Ok{};
}

}  // namespace

Result<Event> DecodeEvent(std::string_view json) {
  // One parser per thread keeps its buffers between calls instead of
  // allocating them for every event; nothing returned points into it.
  thread_local simdjson::dom::parser parser;
  simdjson::dom::element root;
  if (const auto error = parser.parse(json.data(), json.size()).get(root); error) {
    return Malformed(std::string("not valid JSON: ") + simdjson::error_message(error));
  }
  simdjson::dom::object object;
  if (root.get_object().get(object) != simdjson::SUCCESS) return Malformed("not a JSON object");

  Event event;
  FieldReader in(object, "event");
  in.Read("id", event.id);
  in.Read("event_type", event.type_name);
  in.Read("created_at", event.created_at);
  const std::optional<simdjson::dom::object> payload = in.Object("payload");
  if (Status read = in.Finish(Ok{}); !read) return read.take_error();
  if (!IsValidEventId(event.id)) {
    return Malformed("event.id is not EV followed by 4-64 uppercase letters or digits");
  }
  event.type = ParseEventType(event.type_name);
  if (payload) {
    if (Status decoded = DecodePayload(*payload, event); !decoded) return decoded.take_error();
  }
  event.json = std::string(json);
  return event;
}

}  // namespace webhookd
