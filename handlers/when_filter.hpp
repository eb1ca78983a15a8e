// `when:` filters: conditions on fields of the verified event.
#pragma once

#include <string>
#include <vector>

#include "handlers/event_fields.hpp"

namespace webhookd {

/// One condition, e.g. `payload.amount: { gte: 100 }`.
struct WhenCondition {
  enum class Op { kExists, kEq, kNe, kGt, kGte, kLt, kLte, kIn };
  std::string path;
  Op op = Op::kExists;
  std::vector<FieldValue> operands;  ///< one, or the list for kIn; a bool for kExists
};

/// True when every condition holds. Numbers compare as numbers, strings as
/// strings (so RFC 3339 times in UTC order correctly); a comparison between
/// different kinds never holds, except that `ne` then holds.
bool WhenMatches(const std::vector<WhenCondition>& conditions, const EventFields& fields);

/// "exists", "eq", ... -> Op; false when unknown.
bool ParseWhenOp(std::string_view name, WhenCondition::Op& op);

}  // namespace webhookd
