// Tests for the streaming JSON writer: commas, nesting, escaping.
#include "core/json_writer.hpp"

#include <gtest/gtest.h>
#include <simdjson.h>

#include <cstdint>
#include <string>

namespace webhookd {
namespace {

// Parses `json` with simdjson and returns the value of string field `key`.
std::string StringField(const std::string& json, std::string_view key) {
  simdjson::dom::parser parser;
  simdjson::dom::element root;
  EXPECT_EQ(parser.parse(json).get(root), simdjson::SUCCESS) << json;
  std::string_view value;
  EXPECT_EQ(root[key].get_string().get(value), simdjson::SUCCESS) << json;
  return std::string(value);
}

bool ParsesAsJson(const std::string& json) {
  simdjson::dom::parser parser;
  simdjson::dom::element root;
  return parser.parse(json).get(root) == simdjson::SUCCESS;
}

TEST(JsonWriter, WritesEmptyContainers) {
  EXPECT_EQ(JsonWriter().BeginObject().EndObject().str(), "{}");
  EXPECT_EQ(JsonWriter().BeginArray().EndArray().str(), "[]");
}

TEST(JsonWriter, SeparatesMembersAndElementsWithCommas) {
  JsonWriter json;
  json.BeginObject()
      .Key("a").Int(1)
      .Key("b").String("x")
      .Key("c").Bool(true)
      .Key("d").Bool(false)
      .Key("e").Null()
      .Key("f").BeginArray().Int(1).Int(-2).String("3").EndArray()
      .EndObject();
  EXPECT_EQ(json.str(), R"({"a":1,"b":"x","c":true,"d":false,"e":null,"f":[1,-2,"3"]})");
  EXPECT_TRUE(ParsesAsJson(json.str()));
}

TEST(JsonWriter, NestsObjectsAndArrays) {
  JsonWriter json;
  json.BeginArray()
      .BeginObject().Key("x").BeginObject().EndObject().Key("y").BeginArray().EndArray().EndObject()
      .BeginArray().BeginArray().Int(0).EndArray().BeginObject().EndObject().EndArray()
      .Null()
      .EndArray();
  EXPECT_EQ(json.str(), R"([{"x":{},"y":[]},[[0],{}],null])");
  EXPECT_TRUE(ParsesAsJson(json.str()));
}

TEST(JsonWriter, WritesIntegerExtremes) {
  JsonWriter json;
  json.BeginArray().Int(INT64_MIN).Int(INT64_MAX).Int(0).EndArray();
  EXPECT_EQ(json.str(), "[-9223372036854775808,9223372036854775807,0]");
}

TEST(JsonWriter, WritesDoubles) {
  JsonWriter json;
  json.BeginArray().Double(1.5).Double(-0.25).Double(100).EndArray();
  EXPECT_EQ(json.str(), "[1.5,-0.25,100]");
  EXPECT_TRUE(ParsesAsJson(json.str()));
}

TEST(JsonWriter, RawInsertsJsonAsOneValue) {
  JsonWriter json;
  json.BeginObject().Key("a").Raw(R"({"b":[1,2]})").Key("c").Int(3).EndObject();
  EXPECT_EQ(json.str(), R"({"a":{"b":[1,2]},"c":3})");
  JsonWriter array;
  array.BeginArray().Raw("1").Raw("true").EndArray();
  EXPECT_EQ(array.str(), "[1,true]");
}

TEST(JsonWriter, EscapesQuotesBackslashAndNewline) {
  JsonWriter json;
  json.BeginObject().Key("v").String("say \"hi\"\\ now\nnext\r\tend").EndObject();
  EXPECT_EQ(json.str(), R"({"v":"say \"hi\"\\ now\nnext\r\tend"})");
  EXPECT_EQ(StringField(json.str(), "v"), "say \"hi\"\\ now\nnext\r\tend");
}

TEST(JsonWriter, EscapesControlCharactersAsUnicode) {
  JsonWriter json;
  json.BeginObject().Key("v").String(std::string("a\x01" "b\x1f" "c\0d\x7f", 8)).EndObject();
  EXPECT_EQ(json.str(), std::string(R"({"v":"a\u0001b\u001fc\u0000d)") + "\x7f\"}");
  EXPECT_EQ(StringField(json.str(), "v"), std::string("a\x01" "b\x1f" "c\0d\x7f", 8));
}

TEST(JsonWriter, EscapesKeysToo) {
  JsonWriter json;
  json.BeginObject().Key("k\"\n").Int(1).EndObject();
  EXPECT_EQ(json.str(), R"({"k\"\n":1})");
  EXPECT_TRUE(ParsesAsJson(json.str()));
}

TEST(JsonWriter, PassesUtf8Through) {
  JsonWriter json;
  json.BeginObject().Key("v").String("caf\xc3\xa9 \xe2\x82\xac").EndObject();
  EXPECT_EQ(json.str(), "{\"v\":\"caf\xc3\xa9 \xe2\x82\xac\"}");
  EXPECT_EQ(StringField(json.str(), "v"), "caf\xc3\xa9 \xe2\x82\xac");
}

TEST(JsonWriter, TakeMovesTheText) {
  JsonWriter json;
  json.BeginArray().Int(7).EndArray();
  EXPECT_EQ(json.Take(), "[7]");
}

TEST(AppendJsonString, AppendsAQuotedString) {
  std::string out = "x=";
  AppendJsonString(out, "a\"b");
  EXPECT_EQ(out, R"(x="a\"b")");
  out.clear();
  AppendJsonString(out, "");
  EXPECT_EQ(out, R"("")");
}

}  // namespace
}  // namespace webhookd
