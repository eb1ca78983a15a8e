// Tests for `{path}` argument templates: parsing, rendering and exact errors.
#include "handlers/argv_template.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace webhookd {
namespace {

constexpr std::string_view kEventJson =
    R"({"id":"EV1","event_type":"payment.paid","payload":{"id":"PP1","amount":1000,)"
    R"("paid":true,"rate":0.5,"refunded_at":null,"metadata":{"order_id":"1042","tags":["a"]}}})";

std::string RenderOne(std::string_view argument) {
  const auto parts = ParseArgvTemplate(argument);
  EXPECT_TRUE(parts.ok()) << argument;
  const auto fields = EventFields::Parse(kEventJson);
  EXPECT_TRUE(fields.ok());
  return parts.ok() && fields.ok() ? Render(*parts, *fields) : "<failed>";
}

std::string ErrorOf(std::string_view argument) {
  const auto parts = ParseArgvTemplate(argument);
  if (parts.ok()) return "(no error)";
  EXPECT_EQ(parts.error().code, ErrorCode::kConfig);
  return parts.error().detail;
}

TEST(ArgvTemplate, SplitsTextAndPaths) {
  const auto parts = ParseArgvTemplate("--order={payload.metadata.order_id}/{id}!");
  ASSERT_TRUE(parts.ok());
  ASSERT_EQ(parts->size(), 5u);
  EXPECT_FALSE((*parts)[0].is_path);
  EXPECT_EQ((*parts)[0].text, "--order=");
  EXPECT_TRUE((*parts)[1].is_path);
  EXPECT_EQ((*parts)[1].text, "payload.metadata.order_id");
  EXPECT_EQ((*parts)[2].text, "/");
  EXPECT_TRUE((*parts)[3].is_path);
  EXPECT_EQ((*parts)[3].text, "id");
  EXPECT_EQ((*parts)[4].text, "!");
  EXPECT_TRUE(ParseArgvTemplate("")->empty());
}

TEST(ArgvTemplate, TreatsDoubledOpenBraceAndLoneCloseBraceAsText) {
  const auto parts = ParseArgvTemplate("{{x}} a}b {{{id}");
  ASSERT_TRUE(parts.ok());
  ASSERT_EQ(parts->size(), 2u);
  EXPECT_EQ((*parts)[0].text, "{x}} a}b {");
  EXPECT_TRUE((*parts)[1].is_path);
  EXPECT_EQ(RenderOne("{{x}} a}b {{{id}"), "{x}} a}b {EV1");
}

TEST(ArgvTemplate, RendersFieldsAsText) {
  EXPECT_EQ(RenderOne("--verbose"), "--verbose");
  EXPECT_EQ(RenderOne("{payload.metadata.order_id}"), "1042");
  EXPECT_EQ(RenderOne("{payload.amount}:{payload.paid}:{payload.rate}"), "1000:true:0.5");
  EXPECT_EQ(RenderOne("{payload.metadata.tags}"), R"(["a"])");
  EXPECT_EQ(RenderOne("{payload.metadata}"), R"({"order_id":"1042","tags":["a"]})");
}

TEST(ArgvTemplate, RendersMissingAndNullFieldsAsEmpty) {
  EXPECT_EQ(RenderOne("a{payload.refunded_at}b"), "ab");
  EXPECT_EQ(RenderOne("a{payload.nothing.here}b"), "ab");
}

TEST(ArgvTemplate, RejectsUnterminatedAndInvalidPlaceholders) {
  EXPECT_EQ(ErrorOf("--order={payload.id"), "unterminated { (write {{ for a literal {)");
  const std::string invalid =
      "a {...} placeholder must hold a field path like payload.metadata.order_id (write {{ for "
      "a literal {)";
  EXPECT_EQ(ErrorOf("{}"), invalid);
  EXPECT_EQ(ErrorOf("{Payload.id}"), invalid);
  EXPECT_EQ(ErrorOf("{payload..id}"), invalid);
  EXPECT_EQ(ErrorOf("{ id }"), invalid);
  EXPECT_EQ(ErrorOf("--token={SECRET-VALUE}").find("SECRET"), std::string::npos);
}

}  // namespace
}  // namespace webhookd
