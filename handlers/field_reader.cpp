// Typed reads of one JSON object's fields, keeping the first failure.
#include "handlers/field_reader.hpp"

namespace webhookd {

namespace {

std::string_view Describe(simdjson::dom::element value) {
  using simdjson::dom::element_type;
  switch (value.type()) {
    case element_type::ARRAY:
      return "an array";
    case element_type::OBJECT:
      return "an object";
    case element_type::INT64:
      return "an integer";
    case element_type::UINT64:
      return "an integer above 2^63-1";
    case element_type::DOUBLE:
      return "a fractional number";
    case element_type::STRING:
      return "a string";
    case element_type::BOOL:
      return "a boolean";
    case element_type::NULL_VALUE:
      return "null";
  }
  return "an unknown JSON type";
}

}  // namespace

FieldReader::FieldReader(simdjson::dom::object object, std::string_view what)
    : object_(object), what_(what) {}

std::optional<simdjson::dom::element> FieldReader::Find(std::string_view key) {
  if (error_) return std::nullopt;
  simdjson::dom::element value;
  if (object_.at_key(key).get(value) != simdjson::SUCCESS) return std::nullopt;
  if (value.is_null()) return std::nullopt;
  return value;
}

void FieldReader::Fail(std::string_view key, std::string_view expected,
                       simdjson::dom::element actual) {
  error_ = MakeError(ErrorCode::kBadRequest, "malformed JSON",
                     what_ + "." + std::string(key) + " must be " + std::string(expected) +
                         ", not " + std::string(Describe(actual)));
}

void FieldReader::Read(std::string_view key, std::string& out) {
  if (error_) return;
  std::optional<std::string> value;
  Read(key, value);
  if (error_) return;
  if (!value) {
    error_ = MakeError(ErrorCode::kBadRequest, "malformed JSON",
                       what_ + "." + std::string(key) + " is missing");
    return;
  }
  out = std::move(*value);
}

void FieldReader::Read(std::string_view key, std::optional<std::string>& out) {
  const std::optional<simdjson::dom::element> value = Find(key);
  if (!value) return;
  std::string_view text;
  if (value->get_string().get(text) != simdjson::SUCCESS) return Fail(key, "a string", *value);
  out = std::string(text);
}

void FieldReader::Read(std::string_view key, std::optional<int64_t>& out) {
  const std::optional<simdjson::dom::element> value = Find(key);
  if (!value) return;
  int64_t number = 0;
  if (value->get_int64().get(number) != simdjson::SUCCESS) return Fail(key, "an integer", *value);
  out = number;
}

void FieldReader::ReadObjectJson(std::string_view key, std::optional<std::string>& out) {
  const std::optional<simdjson::dom::object> object = Object(key);
  if (object) out = simdjson::minify(*object);
}

void FieldReader::ReadAnyJson(std::string_view key, std::optional<std::string>& out) {
  const std::optional<simdjson::dom::element> value = Find(key);
  if (value) out = simdjson::minify(*value);
}

std::optional<simdjson::dom::object> FieldReader::Object(std::string_view key) {
  const std::optional<simdjson::dom::element> value = Find(key);
  if (!value) return std::nullopt;
  simdjson::dom::object object;
  if (value->get_object().get(object) != simdjson::SUCCESS) {
    Fail(key, "an object", *value);
    return std::nullopt;
  }
  return object;
}

}  // namespace webhookd
