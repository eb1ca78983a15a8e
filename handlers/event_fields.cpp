// Field look-ups on a parsed event.
#include "handlers/event_fields.hpp"

#include <fmt/format.h>
#include <simdjson.h>

namespace webhookd {

struct EventFields::Document {
  simdjson::dom::document document;
  simdjson::dom::element root;
};

std::optional<std::string> FieldValue::AsText() const {
  switch (kind) {
    case Kind::kNull: return std::nullopt;
    case Kind::kBool: return boolean ? "true" : "false";
    case Kind::kInt: return std::to_string(integer);
    case Kind::kDouble: return fmt::format("{}", number);
    default: return text;
  }
}

bool IsValidFieldPath(std::string_view path) {
  if (path.empty() || path.front() == '.' || path.back() == '.') return false;
  char previous = '.';
  for (char c : path) {
    const bool name_char = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
    if (c == '.' ? previous == '.' : !name_char) return false;
    previous = c;
  }
  return true;
}

Result<EventFields> EventFields::Parse(std::string_view json) {
  // The parser's buffers are reused per thread; the tape lives in the document.
  thread_local simdjson::dom::parser parser;
  auto document = std::make_unique<Document>();
  if (parser.parse_into_document(document->document, json.data(), json.size()).get(document->root) !=
          simdjson::SUCCESS ||
      !document->root.is_object()) {
    return MakeError(ErrorCode::kBadRequest, "malformed event", "event is not a JSON object");
  }
  return EventFields(std::move(document));
}

EventFields::EventFields(std::unique_ptr<Document> document) : document_(std::move(document)) {}
EventFields::EventFields(EventFields&&) noexcept = default;
EventFields& EventFields::operator=(EventFields&&) noexcept = default;
EventFields::~EventFields() = default;

std::optional<FieldValue> EventFields::Get(std::string_view path) const {
  simdjson::dom::element current = document_->root;
  while (!path.empty()) {
    const size_t dot = path.find('.');
    const std::string_view key = path.substr(0, dot);
    path = dot == std::string_view::npos ? std::string_view() : path.substr(dot + 1);
    simdjson::dom::object object;
    if (current.get_object().get(object) != simdjson::SUCCESS) return std::nullopt;
    if (object.at_key(key).get(current) != simdjson::SUCCESS) return std::nullopt;
  }
  FieldValue value;
  using Kind = FieldValue::Kind;
  switch (current.type()) {
    case simdjson::dom::element_type::NULL_VALUE: value.kind = Kind::kNull; break;
    case simdjson::dom::element_type::BOOL:
      value.kind = Kind::kBool;
      value.boolean = current.get_bool().value_unsafe();
      break;
    case simdjson::dom::element_type::INT64:
      value.kind = Kind::kInt;
      value.integer = current.get_int64().value_unsafe();
      value.number = static_cast<double>(value.integer);
      break;
    case simdjson::dom::element_type::UINT64:
    case simdjson::dom::element_type::DOUBLE:
      value.kind = Kind::kDouble;
      value.number = current.get_double().value_unsafe();
      break;
    case simdjson::dom::element_type::STRING:
      value.kind = Kind::kString;
      value.text = std::string(current.get_string().value_unsafe());
      break;
    case simdjson::dom::element_type::OBJECT:
      value.kind = Kind::kObject;
      value.text = simdjson::minify(current);
      break;
    case simdjson::dom::element_type::ARRAY:
      value.kind = Kind::kArray;
      value.text = simdjson::minify(current);
      break;
  }
  return value;
}

}  // namespace webhookd
