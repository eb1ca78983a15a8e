// One list of JSON keys per resource kind, following the structs of handlers/resource.hpp.
#include "handlers/resource_fields.hpp"

#include <array>

namespace webhookd {

namespace {

// Kept in step with resource.hpp and resource_decode.cpp by
// tests/unit/resource_fields_test.cpp, which decodes a sample of each kind.
constexpr std::array<std::string_view, 11> kPayment = {
    "id",         "type",     "amount",  "currency",  "description", "state", "refunded_amount",
    "pay_method", "metadata", "paid_at", "created_at"};
constexpr std::array<std::string_view, 8> kRefund = {
    "id", "type", "amount", "payment", "description", "reason", "state", "created_at"};
// `refunded_at` is what the reference's sample sends for `charged_back_at`;
// the decoder reads either.
constexpr std::array<std::string_view, 11> kChargeback = {
    "id",      "type",  "amount",          "description", "reason",    "currency",
    "payment", "state", "charged_back_at", "refunded_at", "created_at"};
constexpr std::array<std::string_view, 13> kCustomer = {
    "id",   "type",    "email",      "first_name",   "last_name",    "address",   "postal",
    "city", "country", "vat_number", "company_name", "phone_number", "created_at"};
constexpr std::array<std::string_view, 6> kMandate = {"id",         "type",  "customer",
                                                      "pay_method", "state", "created_at"};
// `period`, `first_period` and `payment_details` are in the reference's
// samples but not decoded: the handlers that need them read the raw event.
constexpr std::array<std::string_view, 16> kSubscription = {
    "id",         "type",     "description",  "currency",        "subscription_type",
    "state",      "start_at", "cancel_at",    "customer",        "mandate",
    "scheduling", "period",   "first_period", "payment_details", "metadata",
    "created_at"};
constexpr std::array<std::string_view, 8> kSubscriptionPeriod = {
    "id", "type", "subscription", "amount", "state", "period_start", "period_end", "created_at"};
constexpr std::array<std::string_view, 11> kInstallmentPlan = {
    "id",    "type",   "customer", "mandate",   "description", "currency", "number_of_periods",
    "state", "period", "metadata", "created_at"};
constexpr std::array<std::string_view, 6> kInstallmentPlanPeriod = {
    "id", "type", "installment_plan", "amount", "state", "created_at"};
constexpr std::array<std::string_view, 6> kPayout = {"id",       "type",  "amount",
                                                     "currency", "state", "created_at"};

}  // namespace

std::span<const std::string_view> ResourceFieldNames(ResourceKind kind) {
  switch (kind) {
    case ResourceKind::kPayment:
      return kPayment;
    case ResourceKind::kRefund:
      return kRefund;
    case ResourceKind::kChargeback:
      return kChargeback;
    case ResourceKind::kCustomer:
      return kCustomer;
    case ResourceKind::kMandate:
      return kMandate;
    case ResourceKind::kSubscription:
      return kSubscription;
    case ResourceKind::kSubscriptionPeriod:
      return kSubscriptionPeriod;
    case ResourceKind::kInstallmentPlan:
      return kInstallmentPlan;
    case ResourceKind::kInstallmentPlanPeriod:
      return kInstallmentPlanPeriod;
    case ResourceKind::kPayout:
      return kPayout;
    case ResourceKind::kUnknown:
      break;
  }
  return {};
}

}  // namespace webhookd
