// Naming facts of the resource kinds the sandbox serves.
#include "sandbox/resource.hpp"

#include <array>

namespace webhookd::sandbox {

namespace {

// Id shapes follow the reference samples (PPH25H07JYWLR7PA82, CU7JRN6W6K3DA9,
// MD6ULYXJ4HP9RJ, PSV1QACRO4DSMQT0KK, PCG2SZKYJCCDV8); the other prefixes are
// our own choice, since the reference gives no sample for them.
constexpr std::array<ResourceKindInfo, 10> kInfos = {{
    {"payment", "payments", "PP", 18},
    {"refund", "refunds", "PR", 16},
    {"chargeback", "chargebacks", "PCG", 14},
    {"customer", "customers", "CU", 14},
    {"mandate", "mandates", "MD", 14},
    {"subscription", "subscriptions", "PS", 18},
    {"subscription_period", "subscription_periods", "SP", 16},
    {"installment_plan", "installment_plans", "IP", 16},
    {"installment_plan_period", "installment_plan_periods", "IPP", 16},
    {"payout", "payouts", "PO", 16},
}};

}  // namespace

const ResourceKindInfo& InfoFor(ResourceKind kind) { return kInfos[static_cast<size_t>(kind)]; }

std::optional<ResourceKind> KindForCollection(std::string_view collection) {
  for (size_t i = 0; i < kInfos.size(); ++i) {
    if (kInfos[i].collection == collection) return static_cast<ResourceKind>(i);
  }
  return std::nullopt;
}

}  // namespace webhookd::sandbox
