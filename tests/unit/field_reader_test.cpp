// Tests for typed reads of JSON object fields.
#include "handlers/field_reader.hpp"

#include <gtest/gtest.h>

#include <string>

namespace webhookd {
namespace {

// Keeps the parser alive as long as the object that points into it.
struct Parsed {
  explicit Parsed(std::string_view json) {
    EXPECT_EQ(parser.parse(json.data(), json.size()).get_object().get(object), simdjson::SUCCESS)
        << json;
  }
  simdjson::dom::parser parser;
  simdjson::dom::object object;
};

TEST(FieldReader, ReadsPresentFieldsOfEachType) {
  Parsed doc(R"({"id":"PP1","amount":-42,"meta":{"a": [1, "x"]},"any":"text"})");
  FieldReader in(doc.object, "thing");
  std::string id;
  std::optional<int64_t> amount;
  std::optional<std::string> meta;
  std::optional<std::string> any;
  in.Read("id", id);
  in.Read("amount", amount);
  in.ReadObjectJson("meta", meta);
  in.ReadAnyJson("any", any);
  ASSERT_TRUE(in.Finish(Ok{}).ok());
  EXPECT_EQ(id, "PP1");
  EXPECT_EQ(amount, -42);
  EXPECT_EQ(meta, R"({"a":[1,"x"]})");
  EXPECT_EQ(any, R"("text")");
}

TEST(FieldReader, LeavesOptionalsEmptyWhenAbsentOrNull) {
  Parsed doc(R"({"state":null,"meta":null})");
  FieldReader in(doc.object, "thing");
  std::optional<std::string> state = "stale";
  std::optional<std::string> missing;
  std::optional<int64_t> amount;
  std::optional<std::string> meta;
  in.Read("state", state);
  in.Read("missing", missing);
  in.Read("amount", amount);
  in.ReadObjectJson("meta", meta);
  EXPECT_TRUE(in.Finish(Ok{}).ok());
  EXPECT_EQ(state, "stale") << "a null field must not overwrite";
  EXPECT_EQ(missing, std::nullopt);
  EXPECT_EQ(amount, std::nullopt);
  EXPECT_EQ(meta, std::nullopt);
}

TEST(FieldReader, FailsWhenRequiredStringIsMissingOrNull) {
  for (const char* json : {R"({})", R"({"id":null})"}) {
    Parsed doc(json);
    FieldReader in(doc.object, "payment");
    std::string id;
    in.Read("id", id);
    Status status = in.Finish(Ok{});
    ASSERT_FALSE(status.ok()) << json;
    EXPECT_EQ(status.error().code, ErrorCode::kBadRequest);
    EXPECT_EQ(status.error().detail, "payment.id is missing");
  }
}

TEST(FieldReader, NamesFieldAndTypesOnWrongType) {
  struct Case {
    const char* json;
    const char* detail;
  };
  for (const Case& c : {
           Case{R"({"amount":"1000"})", "payment.amount must be an integer, not a string"},
           Case{R"({"amount":10.5})", "payment.amount must be an integer, not a fractional number"},
           Case{R"({"amount":18446744073709551615})",
                "payment.amount must be an integer, not an integer above 2^63-1"},
           Case{R"({"state":1})", "payment.state must be a string, not an integer"},
           Case{R"({"state":true})", "payment.state must be a string, not a boolean"},
           Case{R"({"id":["PP1"]})", "payment.id must be a string, not an array"},
           Case{R"({"metadata":"x"})", "payment.metadata must be an object, not a string"},
       }) {
    Parsed doc(c.json);
    FieldReader in(doc.object, "payment");
    std::string id = "unset";
    std::optional<int64_t> amount;
    std::optional<std::string> state;
    std::optional<std::string> metadata;
    if (std::string_view(c.json).find("\"id\"") != std::string_view::npos) in.Read("id", id);
    in.Read("amount", amount);
    in.Read("state", state);
    in.ReadObjectJson("metadata", metadata);
    Status status = in.Finish(Ok{});
    ASSERT_FALSE(status.ok()) << c.json;
    EXPECT_EQ(status.error().code, ErrorCode::kBadRequest);
    EXPECT_EQ(status.error().detail, c.detail);
  }
}

TEST(FieldReader, KeepsTheFirstFailure) {
  Parsed doc(R"({"a":1,"b":2,"c":"ok"})");
  FieldReader in(doc.object, "x");
  std::optional<std::string> a;
  std::optional<std::string> b;
  std::optional<std::string> c;
  in.Read("a", a);
  in.Read("b", b);
  in.Read("c", c);
  Status status = in.Finish(Ok{});
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.error().detail, "x.a must be a string, not an integer");
  EXPECT_EQ(c, std::nullopt) << "reads after a failure do nothing";
}

TEST(FieldReader, ObjectReturnsNestedObjectOrNothing) {
  Parsed doc(R"({"payload":{"id":"PP1"},"none":null,"text":"x"})");
  FieldReader in(doc.object, "event");
  EXPECT_FALSE(in.Object("missing").has_value());
  EXPECT_FALSE(in.Object("none").has_value());
  std::optional<simdjson::dom::object> payload = in.Object("payload");
  ASSERT_TRUE(payload.has_value());
  EXPECT_EQ(payload->size(), 1u);
  EXPECT_TRUE(in.Finish(Ok{}).ok());
  EXPECT_FALSE(in.Object("text").has_value());
  Status status = in.Finish(Ok{});
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.error().detail, "event.text must be an object, not a string");
}

}  // namespace
}  // namespace webhookd
