// The sandbox's model of one PayPro resource (payment, customer, payout, ...).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace webhookd::sandbox {

/// The resource kinds the sandbox serves, one per API collection.
enum class ResourceKind : uint8_t {
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

/// Naming facts of a kind: its `type` field, its API collection and its id shape.
struct ResourceKindInfo {
  std::string_view type;        ///< "payment"
  std::string_view collection;  ///< "payments", as in GET /payments/{id}
  std::string_view id_prefix;   ///< "PP"
  size_t id_length;             ///< whole id, prefix included
};

/// The naming facts of `kind`.
const ResourceKindInfo& InfoFor(ResourceKind kind);

/// "payments" -> kPayment; nullopt for anything that is not a served collection.
std::optional<ResourceKind> KindForCollection(std::string_view collection);

/// One resource's current state. Fields a kind does not use stay empty or 0.
/// Times are Unix seconds; 0 renders as null.
struct Resource {
  ResourceKind kind = ResourceKind::kPayment;
  std::string id;
  std::string state;
  int64_t amount = 0;  ///< cents, EUR
  std::string description;
  int64_t created_at = 0;
  int64_t settled_at = 0;  ///< paid_at, refunded_at, charged_back_at, ...
  /// Time of the last event about this resource: the next one is at least a
  /// second later, so events about one resource never share a created_at.
  int64_t clock = 0;
  std::string parent;    ///< payment of a refund or chargeback; subscription or plan of a period
  std::string customer;  ///< owning customer, when there is one
  std::string mandate;   ///< mandate used by a subscription or plan
  int64_t number = 0;    ///< order id of a payment; person number of a customer
  int64_t revision = 0;  ///< bumped by each update event, to vary the data
};

}  // namespace webhookd::sandbox
