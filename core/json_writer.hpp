// A small streaming JSON writer: correct escaping, no DOM.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace webhookd {

/// Appends JSON tokens to a string, adding commas itself. Callers keep the
/// nesting right; the writer keeps the escaping right.
class JsonWriter {
 public:
  JsonWriter& BeginObject();
  JsonWriter& EndObject();
  JsonWriter& BeginArray();
  JsonWriter& EndArray();
  JsonWriter& Key(std::string_view key);
  JsonWriter& String(std::string_view value);
  JsonWriter& Int(int64_t value);
  JsonWriter& Double(double value);
  JsonWriter& Bool(bool value);
  JsonWriter& Null();
  /// Inserts already-serialised JSON as one value.
  JsonWriter& Raw(std::string_view json);

  const std::string& str() const { return out_; }
  std::string Take() { return std::move(out_); }

 private:
  void Separate();
  std::string out_;
  bool need_comma_ = false;
};

/// Appends `value` to `out` as a quoted, escaped JSON string.
void AppendJsonString(std::string& out, std::string_view value);

}  // namespace webhookd
