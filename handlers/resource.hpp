// Typed PayPro resources: what an event's payload can be.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

namespace webhookd {

// Field policy for every struct below: only `id` is required. Every other field
// is optional because PayPro adds and drops fields over time, and a handler that
// only forwards the raw event must not stop working when one goes missing; JSON
// null also reads as nullopt. Timestamps stay RFC 3339 text as received (see
// handlers/rfc3339.hpp). `*_json` fields hold a nested value as compact JSON.

/// Resource kinds, as named by a payload's `type` field.
enum class ResourceKind : uint8_t {
  kUnknown,
  kPayment,
  kRefund,
  kChargeback,
  kCustomer,
  kMandate,
  kSubscription,
  kSubscriptionPeriod,
  kInstallmentPlan,
  kInstallmentPlanPeriod,
  kPayout,
};

/// "payment" -> kPayment, "installment_plan_period" -> kInstallmentPlanPeriod;
/// anything else -> kUnknown.
ResourceKind ParseResourceKind(std::string_view type);

/// kPayment -> "payment"; kUnknown -> "unknown".
std::string_view ResourceKindName(ResourceKind kind);

/// A payment ("PP..."): GET /payments/{id}.
struct Payment {
  static constexpr ResourceKind kKind = ResourceKind::kPayment;
  std::string id;
  std::optional<int64_t> amount;  ///< in cents
  std::optional<std::string> currency;
  std::optional<std::string> description;
  std::optional<std::string> state;  ///< e.g. "open", "paid", "canceled"
  std::optional<int64_t> refunded_amount;
  std::optional<std::string> pay_method_json;  ///< the `pay_method` object
  std::optional<std::string> metadata_json;
  std::optional<std::string> paid_at;
  std::optional<std::string> created_at;
};

/// A refund of (part of) a payment. The reference shows no sample; the fields
/// follow POST /payments/{id}/refunds.
struct Refund {
  static constexpr ResourceKind kKind = ResourceKind::kRefund;
  std::string id;
  std::optional<int64_t> amount;       ///< in cents
  std::optional<std::string> payment;  ///< payment id
  std::optional<std::string> description;
  std::optional<std::string> reason;
  std::optional<std::string> state;
  std::optional<std::string> created_at;
};

/// A chargeback ("PCG...") on a payment.
struct Chargeback {
  static constexpr ResourceKind kKind = ResourceKind::kChargeback;
  std::string id;
  std::optional<int64_t> amount;  ///< in cents
  std::optional<std::string> description;
  std::optional<std::string> reason;  ///< bank reason code, e.g. "MD06"
  std::optional<std::string> currency;
  std::optional<std::string> payment;  ///< payment id
  std::optional<std::string> state;
  std::optional<std::string> charged_back_at;
  std::optional<std::string> created_at;
};

/// A customer ("CU...").
struct Customer {
  static constexpr ResourceKind kKind = ResourceKind::kCustomer;
  std::string id;
  std::optional<std::string> email;
  std::optional<std::string> first_name;
  std::optional<std::string> last_name;
  std::optional<std::string> address;
  std::optional<std::string> postal;
  std::optional<std::string> city;
  std::optional<std::string> country;  ///< ISO 3166-1 alpha-2
  std::optional<std::string> vat_number;
  std::optional<std::string> company_name;
  std::optional<std::string> phone_number;
  std::optional<std::string> created_at;
};

/// A mandate ("MD...") to charge a customer. No sample in the reference; the
/// fields follow POST /mandates. `pay_method` is a string in that request but
/// an object on payments, so it is kept as JSON of either kind.
struct Mandate {
  static constexpr ResourceKind kKind = ResourceKind::kMandate;
  std::string id;
  std::optional<std::string> customer;  ///< customer id
  std::optional<std::string> pay_method_json;
  std::optional<std::string> state;
  std::optional<std::string> created_at;
};

/// A subscription ("PS...").
struct Subscription {
  static constexpr ResourceKind kKind = ResourceKind::kSubscription;
  std::string id;
  std::optional<std::string> description;
  std::optional<std::string> currency;
  std::optional<std::string> subscription_type;  ///< e.g. "direct_debit"
  std::optional<std::string> state;
  std::optional<std::string> start_at;
  std::optional<std::string> cancel_at;
  std::optional<std::string> customer;    ///< customer id
  std::optional<std::string> mandate;     ///< mandate id
  std::optional<std::string> scheduling;  ///< e.g. "automatic"
  std::optional<std::string> metadata_json;
  std::optional<std::string> created_at;
};

/// One billing period of a subscription. No sample in the reference.
struct SubscriptionPeriod {
  static constexpr ResourceKind kKind = ResourceKind::kSubscriptionPeriod;
  std::string id;
  std::optional<std::string> subscription;  ///< subscription id
  std::optional<int64_t> amount;            ///< in cents
  std::optional<std::string> state;
  std::optional<std::string> period_start;
  std::optional<std::string> period_end;
  std::optional<std::string> created_at;
};

/// An installment plan. No sample in the reference; the fields follow
/// POST /installment_plans.
struct InstallmentPlan {
  static constexpr ResourceKind kKind = ResourceKind::kInstallmentPlan;
  std::string id;
  std::optional<std::string> customer;  ///< customer id
  std::optional<std::string> mandate;   ///< mandate id
  std::optional<std::string> description;
  std::optional<std::string> currency;
  std::optional<int64_t> number_of_periods;
  std::optional<std::string> state;
  std::optional<std::string> metadata_json;
  std::optional<std::string> created_at;
};

/// One period of an installment plan. No sample in the reference.
struct InstallmentPlanPeriod {
  static constexpr ResourceKind kKind = ResourceKind::kInstallmentPlanPeriod;
  std::string id;
  std::optional<std::string> installment_plan;  ///< installment plan id
  std::optional<int64_t> amount;                ///< in cents
  std::optional<std::string> state;
  std::optional<std::string> created_at;
};

/// A payout of the balance to the merchant. No sample in the reference.
struct Payout {
  static constexpr ResourceKind kKind = ResourceKind::kPayout;
  std::string id;
  std::optional<int64_t> amount;  ///< in cents
  std::optional<std::string> currency;
  std::optional<std::string> state;
  std::optional<std::string> created_at;
};

/// A decoded payload. std::monostate is a kind we do not know (or no payload
/// at all): normal input, never an error. Alternatives follow ResourceKind order.
using Resource =
    std::variant<std::monostate, Payment, Refund, Chargeback, Customer, Mandate, Subscription,
                 SubscriptionPeriod, InstallmentPlan, InstallmentPlanPeriod, Payout>;

/// The kind held by `resource`; kUnknown for std::monostate.
ResourceKind KindOf(const Resource& resource);

/// The resource's id; "" for std::monostate.
std::string_view ResourceId(const Resource& resource);

/// The amount in cents, for log lines; nullopt when the kind has none or it was absent.
std::optional<int64_t> ResourceAmount(const Resource& resource);

/// The state, for log lines; nullopt when the kind has none or it was absent.
std::optional<std::string> ResourceState(const Resource& resource);

}  // namespace webhookd
