// Reading fields of a verified event by dotted path, for filters and placeholders.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "core/result.hpp"

namespace webhookd {

/// A JSON value found at a path, as a plain value.
struct FieldValue {
  enum class Kind { kNull, kBool, kInt, kDouble, kString, kObject, kArray };
  Kind kind = Kind::kNull;
  bool boolean = false;
  int64_t integer = 0;
  double number = 0;  ///< set for kInt and kDouble
  std::string text;   ///< the string for kString, compact JSON for kObject/kArray

  bool is_number() const { return kind == Kind::kInt || kind == Kind::kDouble; }
  /// The value as SQL or argv text: strings as they are, numbers and
  /// booleans as JSON writes them, objects and arrays as compact JSON,
  /// null as nullopt.
  std::optional<std::string> AsText() const;
};

/// The event JSON parsed once, then read by path: `id`, `event_type`,
/// `payload.amount`, `payload.metadata.order_id`. A path names object keys
/// only (no array indexes).
class EventFields {
 public:
  /// Parses `json`; kBadRequest when it is not a JSON object.
  static Result<EventFields> Parse(std::string_view json);
  EventFields(EventFields&&) noexcept;
  EventFields& operator=(EventFields&&) noexcept;
  ~EventFields();

  /// The value at `path`, nullopt when some key on the way is absent.
  std::optional<FieldValue> Get(std::string_view path) const;

 private:
  struct Document;
  explicit EventFields(std::unique_ptr<Document> document);
  std::unique_ptr<Document> document_;
};

/// True for dotted paths of lowercase names: `payload.metadata.order_id`.
bool IsValidFieldPath(std::string_view path);

}  // namespace webhookd
