// Tests for PayPro event id validation.
#include "paypro/event_id.hpp"

#include <gtest/gtest.h>

#include <string>

namespace webhookd {
namespace {

TEST(IsValidEventId, AcceptsRealIds) {
  EXPECT_TRUE(IsValidEventId("EVYK7KCFJAXA23UKSG"));
  EXPECT_TRUE(IsValidEventId("EVCU7JRN6W6K3DA9"));
}

TEST(IsValidEventId, AcceptsTailLengthsFourAndSixtyFour) {
  EXPECT_TRUE(IsValidEventId("EVAB12"));
  EXPECT_TRUE(IsValidEventId("EV" + std::string(64, 'Z')));
  EXPECT_TRUE(IsValidEventId("EV0000"));
}

TEST(IsValidEventId, RejectsTailLengthsThreeAndSixtyFive) {
  EXPECT_FALSE(IsValidEventId("EVAB1"));
  EXPECT_FALSE(IsValidEventId("EV" + std::string(65, 'Z')));
}

TEST(IsValidEventId, RejectsEmptyAndPrefixAlone) {
  EXPECT_FALSE(IsValidEventId(""));
  EXPECT_FALSE(IsValidEventId("EV"));
  EXPECT_FALSE(IsValidEventId("E"));
}

TEST(IsValidEventId, RejectsWrongPrefix) {
  EXPECT_FALSE(IsValidEventId("evABCD"));
  EXPECT_FALSE(IsValidEventId("PPABCD"));
  EXPECT_FALSE(IsValidEventId(" EVABCD"));
  EXPECT_FALSE(IsValidEventId("ABCDEV"));
}

TEST(IsValidEventId, RejectsLowercase) {
  EXPECT_FALSE(IsValidEventId("EVabcd"));
  EXPECT_FALSE(IsValidEventId("EVABCd"));
}

TEST(IsValidEventId, RejectsPathAndUrlCharacters) {
  for (const std::string_view id : {"EVAB/CD", "EV../ABCD", "EVAB..CD", "EVAB%2FCD", "EVABCD?x=1", "EVABCD#x",
                                    "EVAB CD", "EVABCD ", "EVAB-CD", "EVAB_CD", "EVAB\nCD", "EVAB\\CD"}) {
    EXPECT_FALSE(IsValidEventId(id)) << id;
  }
}

TEST(IsValidEventId, RejectsNulAndNonAscii) {
  EXPECT_FALSE(IsValidEventId(std::string("EVAB\0CD", 7)));
  EXPECT_FALSE(IsValidEventId("EVAB\xc3\x84" "CD"));           // "Ä"
  EXPECT_FALSE(IsValidEventId("EV\xef\xbc\xa1\xef\xbc\xa2\xef\xbc\xa3\xef\xbc\xa4"));  // fullwidth "ＡＢＣＤ"
}

TEST(EventId, ParseKeepsTheText) {
  auto id = EventId::Parse("EVYK7KCFJAXA23UKSG");
  ASSERT_TRUE(id.ok());
  EXPECT_EQ(id->str(), "EVYK7KCFJAXA23UKSG");
  EXPECT_TRUE(*id == *EventId::Parse("EVYK7KCFJAXA23UKSG"));
  EXPECT_FALSE(*id == *EventId::Parse("EVYK7KCFJAXA23UKSH"));
}

TEST(EventId, ParseRejectsInvalidWithBadRequest) {
  auto id = EventId::Parse("EV../../etc");
  ASSERT_FALSE(id.ok());
  EXPECT_EQ(id.error().code, ErrorCode::kBadRequest);
  EXPECT_EQ(id.error().reason, "invalid event id");
}

}  // namespace
}  // namespace webhookd
