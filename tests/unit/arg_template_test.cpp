// Tests for `{path}` placeholders in exec arguments.
#include "handlers/arg_template.hpp"

#include <gtest/gtest.h>

#include <string>

namespace webhookd {
namespace {

constexpr std::string_view kEventJson =
    R"({"id":"EVYK7KCFJAXA23UKSG","event_type":"payment.paid","payload":{"id":"PPH25H07JYWLR7PA82",)"
    R"("amount":1000,"paid":true,"refunded_at":null,"metadata":{"order_id":"1042","tags":["a","b"]}}})";

std::string Expand(std::string_view text) {
  const Result<ArgTemplate> parsed = ArgTemplate::Parse(text);
  EXPECT_TRUE(parsed.ok()) << (parsed.ok() ? "" : parsed.error().detail);
  const Result<EventFields> fields = EventFields::Parse(kEventJson);
  EXPECT_TRUE(fields.ok());
  return parsed.ok() && fields.ok() ? parsed->Expand(*fields) : "<failed>";
}

TEST(ArgTemplate, KeepsPlainArgumentsAsTheyAre) {
  EXPECT_EQ(Expand("--verbose"), "--verbose");
  EXPECT_EQ(Expand(""), "");
  EXPECT_EQ(Expand("a}b"), "a}b");
  EXPECT_FALSE(ArgTemplate::Parse("--verbose")->has_placeholders());
}

TEST(ArgTemplate, ReplacesAWholeArgumentPlaceholder) {
  EXPECT_EQ(Expand("{payload.metadata.order_id}"), "1042");
  EXPECT_EQ(Expand("{id}"), "EVYK7KCFJAXA23UKSG");
  EXPECT_TRUE(ArgTemplate::Parse("{id}")->has_placeholders());
}

TEST(ArgTemplate, ReplacesPlaceholdersEmbeddedInText) {
  EXPECT_EQ(Expand("--order={payload.metadata.order_id}"), "--order=1042");
  EXPECT_EQ(Expand("{event_type}:{payload.id}/x"), "payment.paid:PPH25H07JYWLR7PA82/x");
}

TEST(ArgTemplate, WritesNumbersBooleansAndArraysAsJson) {
  EXPECT_EQ(Expand("{payload.amount}"), "1000");
  EXPECT_EQ(Expand("{payload.paid}"), "true");
  EXPECT_EQ(Expand("{payload.metadata.tags}"), R"(["a","b"])");
}

TEST(ArgTemplate, MakesMissingAndNullFieldsEmpty) {
  EXPECT_EQ(Expand("--x={payload.nothing_here}"), "--x=");
  EXPECT_EQ(Expand("{payload.refunded_at}"), "");
  EXPECT_EQ(Expand("{payload.metadata.order_id.deeper}"), "");
}

TEST(ArgTemplate, ReadsDoubleBraceAsALiteralBrace) {
  EXPECT_EQ(Expand("{{id}"), "{id}");
  EXPECT_EQ(Expand("{{{id}"), "{EVYK7KCFJAXA23UKSG");
  EXPECT_EQ(Expand(R"({{"order":"{payload.metadata.order_id}"})"), R"({"order":"1042"})");
  EXPECT_FALSE(ArgTemplate::Parse("{{id}")->has_placeholders());
}

TEST(ArgTemplate, RejectsUnclosedBracesAndBadPaths) {
  for (const char* text : {"{id", "--x={payload.id", "{}", "{Payload.id}", "{payload..id}", "{ id }", "{a{b}"}) {
    const Result<ArgTemplate> parsed = ArgTemplate::Parse(text);
    ASSERT_FALSE(parsed.ok()) << text;
    EXPECT_EQ(parsed.error().code, ErrorCode::kConfig);
    EXPECT_NE(parsed.error().detail.find(text), std::string::npos) << parsed.error().detail;
  }
}

}  // namespace
}  // namespace webhookd
