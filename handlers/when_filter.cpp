// Evaluating `when:` conditions.
#include "handlers/when_filter.hpp"

#include <array>
#include <utility>

namespace webhookd {

namespace {

using Op = WhenCondition::Op;

// -1, 0, 1 when comparable, nullopt when the kinds differ.
std::optional<int> Compare(const FieldValue& a, const FieldValue& b) {
  if (a.is_number() && b.is_number()) {
    if (a.kind == FieldValue::Kind::kInt && b.kind == FieldValue::Kind::kInt) {
      return a.integer < b.integer ? -1 : (a.integer > b.integer ? 1 : 0);
    }
    return a.number < b.number ? -1 : (a.number > b.number ? 1 : 0);
  }
  if (a.kind != b.kind) return std::nullopt;
  switch (a.kind) {
    case FieldValue::Kind::kString: {
      const int order = a.text.compare(b.text);
      return order < 0 ? -1 : (order > 0 ? 1 : 0);
    }
    case FieldValue::Kind::kBool: return a.boolean == b.boolean ? 0 : (a.boolean ? 1 : -1);
    case FieldValue::Kind::kNull: return 0;
    default: return a.text == b.text ? std::optional<int>(0) : std::nullopt;
  }
}

bool Holds(const WhenCondition& condition, const std::optional<FieldValue>& value) {
  const bool present = value && value->kind != FieldValue::Kind::kNull;
  if (condition.op == Op::kExists) return present == condition.operands.front().boolean;
  if (!value) return condition.op == Op::kNe;
  if (condition.op == Op::kIn) {
    for (const FieldValue& operand : condition.operands) {
      if (Compare(*value, operand) == 0) return true;
    }
    return false;
  }
  const std::optional<int> order = Compare(*value, condition.operands.front());
  switch (condition.op) {
    case Op::kEq: return order == 0;
    case Op::kNe: return order != 0;
    case Op::kGt: return order && *order > 0;
    case Op::kGte: return order && *order >= 0;
    case Op::kLt: return order && *order < 0;
    case Op::kLte: return order && *order <= 0;
    default: return false;
  }
}

}  // namespace

bool WhenMatches(const std::vector<WhenCondition>& conditions, const EventFields& fields) {
  for (const WhenCondition& condition : conditions) {
    if (!Holds(condition, fields.Get(condition.path))) return false;
  }
  return true;
}

bool ParseWhenOp(std::string_view name, WhenCondition::Op& op) {
  static constexpr std::array<std::pair<std::string_view, Op>, 8> kOps = {{
      {"exists", Op::kExists}, {"eq", Op::kEq}, {"ne", Op::kNe}, {"gt", Op::kGt},
      {"gte", Op::kGte}, {"lt", Op::kLt}, {"lte", Op::kLte}, {"in", Op::kIn},
  }};
  for (const auto& [text, value] : kOps) {
    if (text == name) {
      op = value;
      return true;
    }
  }
  return false;
}

}  // namespace webhookd
