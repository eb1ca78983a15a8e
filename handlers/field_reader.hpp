// Typed reads of one JSON object's fields, so decoders are flat lists of reads.
#pragma once

#include <simdjson.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/result.hpp"

namespace webhookd {

/// Reads the fields of one simdjson DOM object into typed members. Absent
/// fields and JSON null leave optionals empty; unknown fields are never looked
/// at. The first failure (a required field missing, a field of the wrong JSON
/// type) is kept and later reads do nothing, so a decoder is a flat list of
/// reads followed by one Finish(). Errors are kBadRequest with a detail such as
/// "payment.amount must be an integer, not a string".
class FieldReader {
 public:
  /// `what` prefixes field names in error details ("payment" -> "payment.amount").
  FieldReader(simdjson::dom::object object, std::string_view what);

  /// A string that must be present and not null.
  void Read(std::string_view key, std::string& out);
  /// A string.
  void Read(std::string_view key, std::optional<std::string>& out);
  /// An integer that fits in int64_t.
  void Read(std::string_view key, std::optional<int64_t>& out);
  /// A JSON object, kept as compact JSON text.
  void ReadObjectJson(std::string_view key, std::optional<std::string>& out);
  /// A JSON value of any type, kept as compact JSON text.
  void ReadAnyJson(std::string_view key, std::optional<std::string>& out);
  /// A nested object to read further; nullopt when absent, null or on failure.
  std::optional<simdjson::dom::object> Object(std::string_view key);

  /// `value` when every read so far succeeded, else the first failure.
  template <typename T>
  Result<T> Finish(T value) {
    if (error_) return *error_;
    return value;
  }

 private:
  // The value under `key`; nullopt when absent, null, or after a failure.
  std::optional<simdjson::dom::element> Find(std::string_view key);
  void Fail(std::string_view key, std::string_view expected, simdjson::dom::element actual);

  simdjson::dom::object object_;
  std::string what_;
  std::optional<Error> error_;
};

}  // namespace webhookd
