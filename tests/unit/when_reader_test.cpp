// Tests for reading `when:` filters: paths, operators, typed operands and exact errors.
#include "config/when_reader.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace webhookd {
namespace {

using Op = WhenCondition::Op;
using Kind = FieldValue::Kind;

EnvLookup TestEnv() {
  return [](std::string_view name) -> std::optional<std::string> {
    if (name == "MIN") return "100";
    if (name == "TOKEN") return "SECRET-TOKEN";
    return std::nullopt;
  };
}

// Reads `when:` from a handler map given as YAML, for events of `patterns`.
Result<std::vector<WhenCondition>> Read(const std::string& yaml,
                                        std::vector<std::string> patterns = {"*"}) {
  const EnvLookup env = TestEnv();
  YamlReader reader("config.yaml", env);
  auto conditions = ReadWhen(YamlMap(reader, YAML::Load(yaml), "handlers[0]", 1), patterns);
  if (reader.failed()) return reader.TakeError();
  return conditions;
}

std::string ErrorOf(const std::string& yaml, std::vector<std::string> patterns = {"*"}) {
  const auto conditions = Read(yaml, std::move(patterns));
  if (conditions.ok()) return "(read without error)";
  EXPECT_EQ(conditions.error().code, ErrorCode::kConfig);
  return conditions.error().detail;
}

// The one operand of the only condition of `when: {payload.x: {eq: <value>}}`.
FieldValue OperandOf(const std::string& value) {
  // Block style: `${NAME}` would open a flow map inside { }.
  const auto conditions = Read("when:\n  payload.amount:\n    eq: " + value + "\n");
  EXPECT_TRUE(conditions.ok()) << value;
  if (!conditions.ok() || conditions->size() != 1) return {};
  EXPECT_EQ((*conditions)[0].operands.size(), 1u);
  return (*conditions)[0].operands.front();
}

TEST(WhenReader, ReadsOneConditionPerOperatorInFileOrder) {
  const auto conditions = Read(
      "when:\n"
      "  payload.metadata.order_id: { exists: true }\n"
      "  payload.amount: { gte: 100, lt: 5000 }\n"
      "  event_type: { in: [payment.paid, payment.started] }\n",
      {"payment.paid"});
  ASSERT_TRUE(conditions.ok()) << conditions.error().detail;
  ASSERT_EQ(conditions->size(), 4u);
  const auto& c = *conditions;
  EXPECT_EQ(c[0].path, "payload.metadata.order_id");
  EXPECT_EQ(c[0].op, Op::kExists);
  ASSERT_EQ(c[0].operands.size(), 1u);
  EXPECT_EQ(c[0].operands[0].kind, Kind::kBool);
  EXPECT_TRUE(c[0].operands[0].boolean);
  EXPECT_EQ(c[1].path, "payload.amount");
  EXPECT_EQ(c[1].op, Op::kGte);
  EXPECT_EQ(c[1].operands[0].kind, Kind::kInt);
  EXPECT_EQ(c[1].operands[0].integer, 100);
  EXPECT_EQ(c[2].path, "payload.amount");
  EXPECT_EQ(c[2].op, Op::kLt);
  EXPECT_EQ(c[2].operands[0].integer, 5000);
  EXPECT_EQ(c[3].path, "event_type");
  EXPECT_EQ(c[3].op, Op::kIn);
  ASSERT_EQ(c[3].operands.size(), 2u);
  EXPECT_EQ(c[3].operands[0].kind, Kind::kString);
  EXPECT_EQ(c[3].operands[0].text, "payment.paid");
  EXPECT_EQ(c[3].operands[1].text, "payment.started");
}

TEST(WhenReader, ReadsEveryOperator) {
  const auto conditions =
      Read("when: {id: {exists: false, eq: a, ne: b, gt: c, gte: d, lt: e, lte: f, in: [g]}}");
  ASSERT_TRUE(conditions.ok()) << conditions.error().detail;
  std::vector<Op> ops;
  for (const WhenCondition& condition : *conditions) ops.push_back(condition.op);
  EXPECT_EQ(ops, (std::vector<Op>{Op::kExists, Op::kEq, Op::kNe, Op::kGt, Op::kGte, Op::kLt,
                                  Op::kLte, Op::kIn}));
  EXPECT_FALSE((*conditions)[0].operands[0].boolean);
}

TEST(WhenReader, AbsentOrEmptyWhenMeansNoConditions) {
  EXPECT_TRUE(Read("log: {}\n")->empty());
  EXPECT_TRUE(Read("when:\n")->empty());
  EXPECT_TRUE(Read("when: {}\n")->empty());
}

TEST(WhenReader, TypesPlainScalarsTheYamlWay) {
  EXPECT_EQ(OperandOf("100").kind, Kind::kInt);
  EXPECT_EQ(OperandOf("-7").integer, -7);
  EXPECT_EQ(OperandOf("+7").integer, 7);
  EXPECT_EQ(OperandOf("12.5").kind, Kind::kDouble);
  EXPECT_DOUBLE_EQ(OperandOf("12.5").number, 12.5);
  EXPECT_DOUBLE_EQ(OperandOf("1e3").number, 1000.0);
  EXPECT_DOUBLE_EQ(OperandOf(".5").number, 0.5);
  EXPECT_EQ(OperandOf("99999999999999999999").kind, Kind::kDouble);
  EXPECT_EQ(OperandOf("true").kind, Kind::kBool);
  EXPECT_FALSE(OperandOf("False").boolean);
  EXPECT_EQ(OperandOf("null").kind, Kind::kNull);
  EXPECT_EQ(OperandOf("~").kind, Kind::kNull);
  EXPECT_EQ(OperandOf("${MIN}").kind, Kind::kInt);
  EXPECT_EQ(OperandOf("${MIN}").integer, 100);
  for (const char* text : {"paid", "yes", "inf", "nan", "0x1A", "1_000", "+-5", "."}) {
    const FieldValue value = OperandOf(text);
    EXPECT_EQ(value.kind, Kind::kString) << text;
    EXPECT_EQ(value.text, text);
  }
}

TEST(WhenReader, KeepsQuotedScalarsAsStrings) {
  for (const char* quoted : {"\"100\"", "'100'", "!!str 100"}) {
    const FieldValue value = OperandOf(quoted);
    EXPECT_EQ(value.kind, Kind::kString) << quoted;
    EXPECT_EQ(value.text, "100");
  }
  EXPECT_EQ(OperandOf("'true'").kind, Kind::kString);
  EXPECT_EQ(OperandOf("'null'").kind, Kind::kString);
  EXPECT_EQ(OperandOf("\"${MIN}\"").text, "100");
}

TEST(WhenReader, ReadsNullAndMixedListOperands) {
  const auto conditions = Read("when: {payload.state: {in: [paid, 1, ~, 'x', false]}}");
  ASSERT_TRUE(conditions.ok()) << conditions.error().detail;
  const auto& operands = (*conditions)[0].operands;
  ASSERT_EQ(operands.size(), 5u);
  EXPECT_EQ(operands[0].kind, Kind::kString);
  EXPECT_EQ(operands[1].kind, Kind::kInt);
  EXPECT_EQ(operands[2].kind, Kind::kNull);
  EXPECT_EQ(operands[3].kind, Kind::kString);
  EXPECT_EQ(operands[4].kind, Kind::kBool);
}

TEST(WhenReader, RejectsBadPathsAndPathsThatCannotExist) {
  EXPECT_EQ(ErrorOf("when:\n  payload.Amount: {eq: 1}\n"),
            "config.yaml:2: handlers[0].when.payload.Amount: not a valid field path; expected "
            "names of a-z, 0-9 and _ joined by dots");
  EXPECT_EQ(ErrorOf("when:\n  payload..amount: {eq: 1}\n"),
            "config.yaml:2: handlers[0].when.payload..amount: not a valid field path; expected "
            "names of a-z, 0-9 and _ joined by dots");
  EXPECT_EQ(ErrorOf("when:\n  'payload amount': {eq: 1}\n"),
            "config.yaml:2: handlers[0].when.(key not shown): not a valid field path; expected "
            "names of a-z, 0-9 and _ joined by dots");
  EXPECT_EQ(ErrorOf("when:\n  payload.amout: {gte: 1}\n", {"payout.paid"}),
            "config.yaml:2: handlers[0].when.payload.amout: cannot exist for payout events "
            "(fields: id, type, amount, currency, state, created_at)");
  EXPECT_EQ(ErrorOf("when:\n  amount: {gte: 1}\n"),
            "config.yaml:2: handlers[0].when.amount: cannot exist: an event has only id, type, "
            "event_type, created_at and payload");
  EXPECT_EQ(ErrorOf("when: [a]\n"), "config.yaml:1: handlers[0].when: expected a map");
}

TEST(WhenReader, RejectsUnknownOrMissingOperators) {
  EXPECT_EQ(ErrorOf("when:\n  payload.amount: {gte: 1, gtee: 2}\n"),
            "config.yaml:2: handlers[0].when.payload.amount.gtee: unknown operator; known "
            "operators: exists, eq, ne, gt, gte, lt, lte, in");
  EXPECT_EQ(ErrorOf("when:\n  payload.amount: {}\n"),
            "config.yaml:2: handlers[0].when.payload.amount: must hold an operator; known "
            "operators: exists, eq, ne, gt, gte, lt, lte, in");
  EXPECT_EQ(ErrorOf("when:\n  payload.amount:\n"),
            "config.yaml:2: handlers[0].when.payload.amount: must hold an operator; known "
            "operators: exists, eq, ne, gt, gte, lt, lte, in");
  EXPECT_EQ(ErrorOf("when:\n  payload.amount: 100\n"),
            "config.yaml:2: handlers[0].when.payload.amount: expected a map of operators, like { "
            "gte: 100 }");
  EXPECT_EQ(ErrorOf("when:\n  payload.amount: {eq: 1}\n  payload.amount: {eq: 2}\n"),
            "config.yaml:3: handlers[0].when.payload.amount: duplicate key");
}

TEST(WhenReader, RejectsMisshapenOperands) {
  EXPECT_EQ(ErrorOf("when:\n  id:\n    exists: yes\n"),
            "config.yaml:3: handlers[0].when.id.exists: expected true or false");
  EXPECT_EQ(ErrorOf("when:\n  id:\n    exists:\n"),
            "config.yaml:3: handlers[0].when.id.exists: expected true or false");
  EXPECT_EQ(ErrorOf("when:\n  id:\n    eq: [a]\n"),
            "config.yaml:3: handlers[0].when.id.eq: expected a single value (a number, string, "
            "true, false or null)");
  EXPECT_EQ(ErrorOf("when:\n  id:\n    in: a\n"),
            "config.yaml:3: handlers[0].when.id.in: expected a list of values");
  EXPECT_EQ(ErrorOf("when:\n  id:\n    in: []\n"),
            "config.yaml:3: handlers[0].when.id.in: must list at least one value");
  EXPECT_EQ(ErrorOf("when:\n  id:\n    in:\n      - a\n      - {b: c}\n"),
            "config.yaml:5: handlers[0].when.id.in[1]: expected a single value (a number, "
            "string, true, false or null)");
  EXPECT_EQ(ErrorOf("when:\n  id:\n    eq: ${UNSET}\n"),
            "config.yaml:3: handlers[0].when.id.eq: environment variable UNSET is not set");
}

TEST(WhenReader, NeverPutsExpandedValuesInErrors) {
  EXPECT_EQ(ErrorOf("when:\n  id:\n    exists: ${TOKEN}\n").find("SECRET"), std::string::npos);
  EXPECT_EQ(ErrorOf("when:\n  id: {'SECRET op': 1}\n").find("SECRET"), std::string::npos);
  EXPECT_EQ(ErrorOf("when:\n  'SECRET path': {eq: 1}\n").find("SECRET"), std::string::npos);
}

}  // namespace
}  // namespace webhookd
