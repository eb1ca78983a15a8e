// Tests for ParsePostedEvent's resource hints; id and type checks are in intake_test.cpp.
#include "paypro/posted_event.hpp"

#include <gtest/gtest.h>

#include <string>

namespace webhookd {
namespace {

// Found by tests/fuzz/intake_fuzz: reading payload.id converted a missing id
// to an element, which throws, and the exception ended the daemon's I/O thread.
TEST(ParsePostedEvent, LeavesResourceIdEmptyWhenPayloadHasNoId) {
  auto posted = ParsePostedEvent(
      R"({"id":"EVAAAA1111","event_tycreated_at":"2023-06-30T12:44:36Z","payload":{"md":"PPH25H07JYWLR7PA82"}})");
  ASSERT_TRUE(posted.ok()) << posted.error().detail;
  EXPECT_EQ(posted->id, "EVAAAA1111");
  EXPECT_EQ(posted->resource_id, "");
}

TEST(ParsePostedEvent, LeavesResourceIdEmptyWhenPayloadIsNoObject) {
  for (const std::string payload : {"null", "[]", R"(["PPH25H07JYWLR7PA82"])", R"("PPH25H07JYWLR7PA82")", "7"}) {
    auto posted = ParsePostedEvent(R"({"id":"EVAAAA1111","payload":)" + payload + "}");
    ASSERT_TRUE(posted.ok()) << payload << ": " << posted.error().detail;
    EXPECT_EQ(posted->resource_id, "") << payload;
  }
}

TEST(ParsePostedEvent, ReadsResourceIdAndCreatedAtHints) {
  auto posted = ParsePostedEvent(
      R"({"id":"EVAAAA1111","created_at":"2023-06-30T12:44:36Z","payload":{"id":"PPH25H07JYWLR7PA82"}})");
  ASSERT_TRUE(posted.ok()) << posted.error().detail;
  EXPECT_EQ(posted->resource_id, "PPH25H07JYWLR7PA82");
  EXPECT_EQ(posted->created_at, "2023-06-30T12:44:36Z");
}

TEST(ParsePostedEvent, DropsMalformedHints) {
  auto posted = ParsePostedEvent(R"({"id":"EVAAAA1111","created_at":"yesterday","payload":{"id":"pp/../x"}})");
  ASSERT_TRUE(posted.ok()) << posted.error().detail;
  EXPECT_EQ(posted->resource_id, "");
  EXPECT_EQ(posted->created_at, "");
}

}  // namespace
}  // namespace webhookd
