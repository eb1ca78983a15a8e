// Parsing of the "type" of a generate or trigger request.
#include "sandbox/event_mix.hpp"

#include <array>

#include "handlers/event_type.hpp"

namespace webhookd::sandbox {

namespace {

constexpr std::array<std::string_view, 6> kUndocumentedTypes = {
    "refund.created",           "refund.paid",
    "mandate.created",          "subscription_period.created",
    "installment_plan.created", "installment_plan_period.paid",
};

std::vector<std::string_view> MakeGeneratedTypes() {
  std::vector<std::string_view> types;
  for (EventType type : KnownEventTypes()) types.push_back(EventTypeName(type));
  types.insert(types.end(), kUndocumentedTypes.begin(), kUndocumentedTypes.end());
  return types;
}

}  // namespace

const std::vector<std::string_view>& GeneratedEventTypes() {
  static const std::vector<std::string_view> types = MakeGeneratedTypes();
  return types;
}

Result<EventMix> ParseEventMix(std::string_view text) {
  if (text == "mixed") return EventMix{MixKind::kMixed, {}};
  if (text == "lifecycle") return EventMix{MixKind::kLifecycle, {}};
  for (std::string_view type : GeneratedEventTypes()) {
    if (type == text) return EventMix{MixKind::kSingle, type};
  }
  return MakeError(ErrorCode::kBadRequest,
                   "unknown event type: use mixed, lifecycle or a generated type");
}

}  // namespace webhookd::sandbox
