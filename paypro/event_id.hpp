// PayPro event ids: "EV" followed by 4-64 uppercase letters or digits.
#pragma once

#include <string>
#include <string_view>

#include "core/result.hpp"

namespace webhookd {

/// True when `text` is a well-formed PayPro event id. Nothing else may reach
/// an API path or a database key, so this is deliberately strict.
bool IsValidEventId(std::string_view text);

/// A validated event id.
class EventId {
 public:
  static Result<EventId> Parse(std::string_view text);

  const std::string& str() const { return value_; }
  friend bool operator==(const EventId&, const EventId&) = default;

 private:
  explicit EventId(std::string value) : value_(std::move(value)) {}
  std::string value_;
};

}  // namespace webhookd
