// The event types PayPro documents, as an enum that indexes the dispatch table.
#pragma once

#include <array>
#include <cstdint>
#include <string_view>

namespace webhookd {

/// Documented PayPro event types. Unknown types are normal input (PayPro adds
/// types over time): they map to kUnknown and keep their name as a string.
enum class EventType : uint8_t {
  kUnknown,
  kCustomerCreated,
  kCustomerUpdated,
  kChargebackCreated,
  kPayoutCreated,
  kPayoutApproved,
  kPayoutRejected,
  kPayoutFailed,
  kPayoutPaid,
  kPaymentCreated,
  kPaymentStarted,
  kPaymentPaid,
  kPaymentCanceled,
  kSubscriptionUpdated,
};

inline constexpr size_t kEventTypeCount = static_cast<size_t>(EventType::kSubscriptionUpdated) + 1;

/// "payment.paid" -> kPaymentPaid; anything else -> kUnknown.
EventType ParseEventType(std::string_view name);

/// kPaymentPaid -> "payment.paid"; kUnknown -> "unknown".
std::string_view EventTypeName(EventType type);

/// The resource part of a type name: "payment.paid" -> "payment"; "" when
/// the name has no dot.
std::string_view ResourcePrefix(std::string_view event_type_name);

/// Every known type, kUnknown excluded, in enum order.
const std::array<EventType, kEventTypeCount - 1>& KnownEventTypes();

}  // namespace webhookd
