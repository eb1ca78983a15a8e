// libFuzzer target: a handler's `on`/`when` YAML read by ReadWhen, evaluated against an event's fields.
//
// Input: the handler map as YAML, a line "--event--", then the event JSON:
//   on: [payment.paid]
//   when:
//     payload.amount: { gte: 100 }
//   --event--
//   {"id":"EV...","payload":{"amount":1000}}
// Without the separator line the whole input is the YAML and nothing is
// evaluated. Besides the conditions read, each condition's path is also tested
// with operands taken from the event itself, whose results are known.
#include <yaml-cpp/yaml.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "config/config_loader.hpp"
#include "config/when_reader.hpp"
#include "config/yaml_reader.hpp"
#include "handlers/event_fields.hpp"
#include "handlers/when_filter.hpp"
#include "tests/fuzz/fuzz_check.hpp"

namespace webhookd::fuzz {
namespace {

using Op = WhenCondition::Op;

constexpr std::string_view kSeparator = "\n--event--\n";

std::optional<std::string> NoEnvironment(std::string_view) { return std::nullopt; }

bool Matches(const std::string& path, Op op, const FieldValue& operand, const EventFields& fields) {
  return WhenMatches({WhenCondition{path, op, {operand}}}, fields);
}

// How the operators relate, whatever the operand: ne is not eq, gte is gt or
// eq, lte is lt or eq, at most one of lt, eq and gt, and `in` of one is eq.
void CheckOperatorsAgree(const std::string& path, const FieldValue& operand, const EventFields& fields) {
  const bool eq = Matches(path, Op::kEq, operand, fields);
  const bool lt = Matches(path, Op::kLt, operand, fields);
  const bool gt = Matches(path, Op::kGt, operand, fields);
  FuzzCheck(Matches(path, Op::kNe, operand, fields) == !eq, "ne is the negation of eq");
  FuzzCheck(Matches(path, Op::kGte, operand, fields) == (gt || eq), "gte is gt or eq");
  FuzzCheck(Matches(path, Op::kLte, operand, fields) == (lt || eq), "lte is lt or eq");
  FuzzCheck(int{eq} + int{lt} + int{gt} <= 1, "at most one of lt, eq, gt");
  FuzzCheck(Matches(path, Op::kIn, operand, fields) == eq, "in of one value is eq");
}

// A field equals itself, and exists exactly when it is present and not null.
void CheckAgainstOwnValue(const std::string& path, const EventFields& fields) {
  const auto own = fields.Get(path);
  FieldValue yes;
  yes.kind = FieldValue::Kind::kBool;
  yes.boolean = true;
  const bool present = own && own->kind != FieldValue::Kind::kNull;
  FuzzCheck(Matches(path, Op::kExists, yes, fields) == present, "exists: true holds for present fields");
  if (!own) return;
  FuzzCheck(Matches(path, Op::kEq, *own, fields), "a field equals its own value");
  CheckOperatorsAgree(path, *own, fields);
}

void Evaluate(const std::vector<WhenCondition>& conditions, std::string_view json) {
  const auto fields = EventFields::Parse(json);
  if (!fields) return;
  const bool all = WhenMatches(conditions, *fields);
  bool each = true;
  for (const WhenCondition& condition : conditions) {
    each = each && WhenMatches({condition}, *fields);
    if (condition.op != Op::kExists && condition.op != Op::kIn) {
      CheckOperatorsAgree(condition.path, condition.operands.front(), *fields);
    }
    CheckAgainstOwnValue(condition.path, *fields);
  }
  FuzzCheck(all == each, "conditions hold together exactly when each holds");
}

}  // namespace
}  // namespace webhookd::fuzz

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace webhookd;
  using namespace webhookd::fuzz;
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const size_t separator = input.find(kSeparator);
  const std::string_view yaml = input.substr(0, separator);

  YAML::Node document;
  try {
    document = YAML::Load(std::string(yaml));
  } catch (const YAML::Exception&) {
    return 0;
  }
  if (!document.IsMap()) return 0;
  YamlReader reader("handler.yaml", NoEnvironment);
  const YamlMap handler(reader, document, "handlers[0]", 1);
  std::vector<std::string> patterns{"*"};
  if (auto on = handler.Strings("on")) {
    patterns.clear();
    for (YamlScalar& pattern : *on) patterns.push_back(std::move(pattern.value));
  }
  const std::vector<WhenCondition> conditions = ReadWhen(handler, patterns);
  // A config that fails to load never runs its conditions.
  if (reader.failed() || separator == std::string_view::npos) return 0;
  Evaluate(conditions, input.substr(separator + kSeparator.size()));
  return 0;
}
