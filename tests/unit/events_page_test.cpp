// Tests for reading GET /events pages and keeping their next links on the API.
#include "paypro/events_page.hpp"

#include <gtest/gtest.h>

#include <string>

#include "tests/support/test_data.hpp"

namespace webhookd {
namespace {

Url Base(std::string_view text) { return ParseUrl(text).value(); }

TEST(ParseEventsPage, ReadsEventsAndNextTarget) {
  const std::string body = R"({"type":"list","data":[)" + testing::ReadSampleEvent("payment.paid.json") +
                           R"(],"_links":{"next":"https://api.paypro.nl/v1/events?cursor=EVAAAA1111"}})";
  auto page = ParseEventsPage(body, Base("https://api.paypro.nl/v1"));
  ASSERT_TRUE(page.ok()) << page.error().detail;
  ASSERT_EQ(page->events.size(), 1u);
  EXPECT_EQ(page->events[0].id, "EVYK7KCFJAXA23UKSG");
  EXPECT_EQ(page->events[0].resource_id, "PPH25H07JYWLR7PA82");
  EXPECT_EQ(page->next_target, "/events?cursor=EVAAAA1111");
}

// Found by tests/fuzz/event_decode_fuzz: with an API base of /v1, a next link
// to /v1ents passed the prefix check and the client then asked for /v1ents.
TEST(ParseEventsPage, RefusesNextLinkBesideTheBasePath) {
  auto page = ParseEventsPage(R"({"type":"list","data":[],"_links":{"next":"https://api.paypro.nl/v1ents?cursor=EVAAAA1111"}})",
                              Base("https://api.paypro.nl/v1"));
  ASSERT_FALSE(page.ok());
  EXPECT_EQ(page.error().code, ErrorCode::kUpstream);
}

TEST(TargetOnApi, KeepsPathAndQueryBelowTheBase) {
  EXPECT_EQ(TargetOnApi("https://api.paypro.nl/v1/events?limit=1", Base("https://api.paypro.nl/v1")).value(),
            "/events?limit=1");
  EXPECT_EQ(TargetOnApi("https://api.paypro.nl/v1?limit=1", Base("https://api.paypro.nl/v1")).value(), "?limit=1");
  EXPECT_EQ(TargetOnApi("https://api.paypro.nl/events", Base("https://api.paypro.nl")).value(), "/events");
  EXPECT_EQ(TargetOnApi("https://api.paypro.nl/v1/a..b/c.d", Base("https://api.paypro.nl/v1")).value(), "/a..b/c.d");
}

TEST(TargetOnApi, RefusesLinksThatLeaveTheBasePath) {
  const Url base = Base("https://api.paypro.nl/v1");
  for (const std::string_view link :
       {"https://api.paypro.nl/v1ents", "https://api.paypro.nl/v", "https://api.paypro.nl/events",
        "https://api.paypro.nl/v1/../admin", "https://api.paypro.nl/v1/./events", "https://api.paypro.nl/v1/..",
        "https://api.paypro.nl/v1/%2e%2E/admin", "https://api.paypro.nl/v1/.%2e/admin"}) {
    auto target = TargetOnApi(link, base);
    EXPECT_FALSE(target.ok()) << link << " -> " << (target.ok() ? *target : "");
  }
}

TEST(TargetOnApi, RefusesOtherOrigins) {
  const Url base = Base("https://api.paypro.nl");
  for (const std::string_view link : {"http://api.paypro.nl/events", "https://api.paypro.nl:8443/events",
                                      "https://evil.example/events", "not a url"}) {
    EXPECT_FALSE(TargetOnApi(link, base).ok()) << link;
  }
}

}  // namespace
}  // namespace webhookd
