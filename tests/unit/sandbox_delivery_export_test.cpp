// Tests for exporting signed webhook calls as JSON lines.
#include <gtest/gtest.h>
#include <simdjson.h>

#include <vector>

#include "paypro/signature.hpp"
#include "sandbox/base_template.hpp"
#include "sandbox/delivery_export.hpp"

namespace webhookd::sandbox {
namespace {

StoredEvent MakeEvent(std::string id) {
  StoredEvent event;
  event.id = id;
  event.body_template = std::string(R"({"id":")") + id + R"(","_links":{"self":")" + kBaseMarker +
                        "/events/" + id + R"("}})";
  return event;
}

struct Line {
  std::string timestamp, signature, body;
};

std::vector<Line> ParseLines(const std::string& text) {
  std::vector<Line> lines;
  simdjson::dom::parser parser;
  size_t start = 0;
  while (start < text.size()) {
    const size_t end = text.find('\n', start);
    EXPECT_NE(end, std::string::npos) << "every line ends in a newline";
    if (end == std::string::npos) break;
    simdjson::dom::element line = parser.parse(text.substr(start, end - start));
    lines.push_back({std::string(line["timestamp"].get_string().value()),
                     std::string(line["signature"].get_string().value()),
                     std::string(line["body"].get_string().value())});
    start = end + 1;
  }
  return lines;
}

TEST(SandboxDeliveryExport, WritesOneSignedLinePerEventInOrder) {
  const StoredEvent first = MakeEvent("EVAAAAAAAAAAAAAAAAAA");
  const StoredEvent second = MakeEvent("EVBBBBBBBBBBBBBBBBBB");
  const std::vector<const StoredEvent*> events = {&first, &second};
  const Secret secret("whsec_export");

  const auto lines = ParseLines(ExportDeliveries(events, "http://sandbox:1", secret, 1700000000));

  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(lines[0].body, RenderWithBase(first.body_template, "http://sandbox:1"));
  EXPECT_NE(lines[0].body.find("http://sandbox:1/events/EVAAAAAAAAAAAAAAAAAA"), std::string::npos);
  EXPECT_NE(lines[1].body.find("EVBBBBBBBBBBBBBBBBBB"), std::string::npos);
  for (const Line& line : lines) {
    EXPECT_EQ(line.timestamp, "1700000000");
    const Secret secrets[] = {secret};
    EXPECT_TRUE(CheckWebhookSignature(secrets, line.timestamp, line.body, line.signature).ok());
  }
}

TEST(SandboxDeliveryExport, SignaturesDependOnTheSecret) {
  const StoredEvent event = MakeEvent("EVCCCCCCCCCCCCCCCCCC");
  const std::vector<const StoredEvent*> events = {&event};
  const auto lines = ParseLines(ExportDeliveries(events, "http://x", Secret("one"), 1700000000));
  ASSERT_EQ(lines.size(), 1u);
  const Secret other[] = {Secret("two")};
  EXPECT_FALSE(
      CheckWebhookSignature(other, lines[0].timestamp, lines[0].body, lines[0].signature).ok());
}

TEST(SandboxDeliveryExport, NoEventsIsEmpty) {
  EXPECT_EQ(ExportDeliveries({}, "http://x", Secret("s"), 1), "");
}

}  // namespace
}  // namespace webhookd::sandbox
