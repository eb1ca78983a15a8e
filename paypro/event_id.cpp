// Event id validation.
#include "paypro/event_id.hpp"

namespace webhookd {

namespace {
constexpr size_t kMinTailLength = 4;
constexpr size_t kMaxTailLength = 64;
}  // namespace

bool IsValidEventId(std::string_view text) {
  if (!text.starts_with("EV")) return false;
  const std::string_view tail = text.substr(2);
  if (tail.size() < kMinTailLength || tail.size() > kMaxTailLength) return false;
  for (char c : tail) {
    const bool upper = c >= 'A' && c <= 'Z';
    const bool digit = c >= '0' && c <= '9';
    if (!upper && !digit) return false;
  }
  return true;
}

Result<EventId> EventId::Parse(std::string_view text) {
  if (!IsValidEventId(text)) {
    return MakeError(ErrorCode::kBadRequest, "invalid event id",
                     "event id is not EV followed by 4-64 uppercase letters or digits");
  }
  return EventId(std::string(text));
}

}  // namespace webhookd
