// Event type names, both ways.
#include "handlers/event_type.hpp"

namespace webhookd {

namespace {

constexpr std::array<std::string_view, kEventTypeCount> kNames = {
    "unknown",          "customer.created", "customer.updated", "chargeback.created",
    "payout.created",   "payout.approved",  "payout.rejected",  "payout.failed",
    "payout.paid",      "payment.created",  "payment.started",  "payment.paid",
    "payment.canceled", "subscription.updated",
};

constexpr std::array<EventType, kEventTypeCount - 1> MakeKnownTypes() {
  std::array<EventType, kEventTypeCount - 1> types{};
  for (size_t i = 1; i < kEventTypeCount; ++i) types[i - 1] = static_cast<EventType>(i);
  return types;
}

constexpr std::array<EventType, kEventTypeCount - 1> kKnownTypes = MakeKnownTypes();

}  // namespace

EventType ParseEventType(std::string_view name) {
  for (size_t i = 1; i < kNames.size(); ++i) {
    if (kNames[i] == name) return static_cast<EventType>(i);
  }
  return EventType::kUnknown;
}

std::string_view EventTypeName(EventType type) { return kNames[static_cast<size_t>(type)]; }

std::string_view ResourcePrefix(std::string_view event_type_name) {
  const size_t dot = event_type_name.find('.');
  return dot == std::string_view::npos ? std::string_view() : event_type_name.substr(0, dot);
}

const std::array<EventType, kEventTypeCount - 1>& KnownEventTypes() { return kKnownTypes; }

}  // namespace webhookd
