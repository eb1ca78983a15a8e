// Resource kind names and the summaries of a resource that log lines show.
#include "handlers/resource.hpp"

#include <array>
#include <utility>

namespace webhookd {

namespace {

constexpr std::array<std::string_view, std::variant_size_v<Resource>> kKindNames = {
    "unknown",          "payment",
    "refund",           "chargeback",
    "customer",         "mandate",
    "subscription",     "subscription_period",
    "installment_plan", "installment_plan_period",
    "payout",
};

// KindOf() relies on the variant's alternatives being in ResourceKind order.
template <size_t... kIndex>
constexpr bool AlternativesFollowKinds(std::index_sequence<kIndex...>) {
  return ((std::variant_alternative_t<kIndex + 1, Resource>::kKind ==
           static_cast<ResourceKind>(kIndex + 1)) &&
          ...);
}
static_assert(
    AlternativesFollowKinds(std::make_index_sequence<std::variant_size_v<Resource> - 1>()));

}  // namespace

ResourceKind ParseResourceKind(std::string_view type) {
  for (size_t i = 1; i < kKindNames.size(); ++i) {
    if (kKindNames[i] == type) return static_cast<ResourceKind>(i);
  }
  return ResourceKind::kUnknown;
}

std::string_view ResourceKindName(ResourceKind kind) {
  const auto index = static_cast<size_t>(kind);
  return index < kKindNames.size() ? kKindNames[index] : kKindNames[0];
}

ResourceKind KindOf(const Resource& resource) {
  return static_cast<ResourceKind>(resource.index());
}

std::string_view ResourceId(const Resource& resource) {
  return std::visit(
      [](const auto& r) -> std::string_view {
        if constexpr (requires { r.id; }) {
          return r.id;
        } else {
          return {};
        }
      },
      resource);
}

std::optional<int64_t> ResourceAmount(const Resource& resource) {
  return std::visit(
      [](const auto& r) -> std::optional<int64_t> {
        if constexpr (requires { r.amount; }) {
          return r.amount;
        } else {
          return std::nullopt;
        }
      },
      resource);
}

std::optional<std::string> ResourceState(const Resource& resource) {
  return std::visit(
      [](const auto& r) -> std::optional<std::string> {
        if constexpr (requires { r.state; }) {
          return r.state;
        } else {
          return std::nullopt;
        }
      },
      resource);
}

}  // namespace webhookd
