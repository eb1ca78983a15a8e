// `when:` maps of field paths to operators, typed the way YAML types scalars.
#include "config/when_reader.hpp"

#include <fmt/format.h>

#include <array>
#include <charconv>
#include <initializer_list>

#include "config/field_path_check.hpp"

namespace webhookd {

namespace {

using Op = WhenCondition::Op;
using Kind = FieldValue::Kind;

constexpr std::string_view kKnownOps = "known operators: exists, eq, ne, gt, gte, lt, lte, in";
constexpr std::string_view kSingleValue = "a single value (a number, string, true, false or null)";

bool IsOneOf(const std::string& text, std::initializer_list<std::string_view> words) {
  for (const std::string_view word : words) {
    if (text == word) return true;
  }
  return false;
}

// True when all of `text` parses as a T.
template <typename T>
bool ParseAll(std::string_view text, T& out) {
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), out);
  return !text.empty() && error == std::errc() && end == text.data() + text.size();
}

std::optional<FieldValue> NumberOf(std::string_view text) {
  const bool plus = text.starts_with('+');
  if (plus) text.remove_prefix(1);
  const std::string_view digits = !plus && text.starts_with('-') ? text.substr(1) : text;
  // from_chars would also take "inf" and "nan", which YAML spells differently.
  const bool starts_well = !digits.empty() && ((digits[0] >= '0' && digits[0] <= '9') ||
                                               (digits[0] == '.' && digits.size() > 1));
  if (!starts_well) return std::nullopt;
  FieldValue value;
  if (ParseAll(text, value.integer)) {
    value.kind = Kind::kInt;
    value.number = static_cast<double>(value.integer);
  } else if (ParseAll(text, value.number)) {
    value.kind = Kind::kDouble;
  } else {
    return std::nullopt;
  }
  return value;
}

// The operand of one operator: a scalar, or null.
std::optional<FieldValue> ReadOperand(YamlReader& reader, const YamlValue& value) {
  if (value.node.IsNull()) return FieldValue{};
  auto text = reader.Scalar(value.node, value.path, value.line, kSingleValue);
  if (!text) return std::nullopt;
  return YamlFieldValue(value.node, text->value);
}

// The operands of `in`: a non-empty list of scalars.
std::vector<FieldValue> ReadInOperands(YamlReader& reader, const YamlValue& value) {
  std::vector<FieldValue> operands;
  if (!value.node.IsSequence()) {
    reader.Fail(value.line, value.path, "expected a list of values");
    return operands;
  }
  if (value.node.size() == 0) reader.Fail(value.line, value.path, "must list at least one value");
  for (size_t i = 0; i < value.node.size(); ++i) {
    const YAML::Node item = value.node[i];
    const YamlValue entry{item, fmt::format("{}[{}]", value.path, i), LineOf(item, value.line)};
    if (auto operand = ReadOperand(reader, entry)) operands.push_back(std::move(*operand));
  }
  return operands;
}

std::vector<FieldValue> ReadOperands(YamlReader& reader, Op op, const YamlValue& value) {
  if (op == Op::kIn) return ReadInOperands(reader, value);
  auto operand = ReadOperand(reader, value);
  if (!operand) return {};
  if (op == Op::kExists && operand->kind != Kind::kBool) {
    reader.Fail(value.line, value.path, "expected true or false");
    return {};
  }
  return {std::move(*operand)};
}

// The conditions on one path, one per operator.
void ReadPath(const YamlMap& when, const std::string& path, std::vector<WhenCondition>& out) {
  const YamlValue value = *when.Value(path);
  if (!value.node.IsMap() && !value.node.IsNull()) {
    when.Fail(path, "expected a map of operators, like { gte: 100 }");
    return;
  }
  const YamlMap ops(when.reader(), value.node, value.path, value.line);
  const std::vector<std::string> names = ops.Keys();
  if (names.empty()) when.Fail(path, fmt::format("must hold an operator; {}", kKnownOps));
  for (const std::string& name : names) {
    WhenCondition condition{path, Op::kExists, {}};
    if (!ParseWhenOp(name, condition.op)) {
      ops.Fail(name, fmt::format("unknown operator; {}", kKnownOps));
      continue;
    }
    condition.operands = ReadOperands(when.reader(), condition.op, *ops.Value(name));
    out.push_back(std::move(condition));
  }
}

}  // namespace

FieldValue YamlFieldValue(const YAML::Node& node, const std::string& text) {
  FieldValue value;
  if (node.IsNull()) return value;
  const bool quoted = node.Tag() == "!" || node.Tag() == "tag:yaml.org,2002:str";
  if (!quoted) {
    if (IsOneOf(text, {"null", "Null", "NULL", "~"})) return value;
    if (IsOneOf(text, {"true", "True", "TRUE", "false", "False", "FALSE"})) {
      value.kind = Kind::kBool;
      value.boolean = text[0] == 't' || text[0] == 'T';
      return value;
    }
    if (auto number = NumberOf(text)) return *number;
  }
  value.kind = Kind::kString;
  value.text = text;
  return value;
}

std::vector<WhenCondition> ReadWhen(const YamlMap& handler, std::span<const std::string> patterns) {
  std::vector<WhenCondition> conditions;
  const auto when = handler.Map("when");
  if (!when) return conditions;
  for (const std::string& path : when->Keys()) {
    if (!IsValidFieldPath(path)) {
      when->Fail(path, "not a valid field path; expected names of a-z, 0-9 and _ joined by dots");
      continue;
    }
    if (auto problem = WhyFieldCannotExist(path, patterns)) {
      when->Fail(path, *problem);
      continue;
    }
    ReadPath(*when, path, conditions);
  }
  return conditions;
}

}  // namespace webhookd
