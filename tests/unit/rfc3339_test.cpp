// Tests for RFC 3339 parsing and formatting.
#include "handlers/rfc3339.hpp"

#include <gtest/gtest.h>

#include <string>

namespace webhookd {
namespace {

constexpr int64_t kMicros = 1'000'000;
// 2023-12-11T10:56:02Z, checked with `date -u -d 2023-12-11T10:56:02Z +%s`.
constexpr int64_t kSample = 1'702'292'162 * kMicros;

int64_t ParseOk(std::string_view text) {
  Result<int64_t> parsed = ParseRfc3339(text);
  EXPECT_TRUE(parsed.ok()) << text << ": " << (parsed.ok() ? "" : parsed.error().detail);
  return parsed.ok() ? *parsed : -1;
}

TEST(Rfc3339, ParsesUtcSeconds) {
  EXPECT_EQ(ParseOk("2023-12-11T10:56:02Z"), kSample);
  EXPECT_EQ(ParseOk("1970-01-01T00:00:00Z"), 0);
}

TEST(Rfc3339, ParsesFractionalSeconds) {
  EXPECT_EQ(ParseOk("2023-12-11T10:56:02.123456Z"), kSample + 123456);
  EXPECT_EQ(ParseOk("2023-12-11T10:56:02.5Z"), kSample + 500000);
  EXPECT_EQ(ParseOk("2023-12-11T10:56:02.000001Z"), kSample + 1);
}

TEST(Rfc3339, DropsDigitsPastMicroseconds) {
  EXPECT_EQ(ParseOk("2023-12-11T10:56:02.123456789Z"), kSample + 123456);
}

TEST(Rfc3339, AppliesNumericOffsets) {
  EXPECT_EQ(ParseOk("2023-12-11T11:56:02+01:00"), kSample);
  EXPECT_EQ(ParseOk("2023-12-11T05:26:02-05:30"), kSample);
  EXPECT_EQ(ParseOk("2023-12-11T10:56:02-00:00"), kSample);
  EXPECT_EQ(ParseOk("2023-12-11T11:56:02.25+01:00"), kSample + 250000);
}

TEST(Rfc3339, AcceptsLowerCaseSeparatorsPerRfc) {
  EXPECT_EQ(ParseOk("2023-12-11t10:56:02z"), kSample);
}

TEST(Rfc3339, HandlesDatesBeforeTheEpochAndLeapDays) {
  EXPECT_EQ(ParseOk("1969-12-31T23:59:59Z"), -kMicros);
  EXPECT_EQ(ParseOk("2024-02-29T00:00:00Z"), 1'709'164'800 * kMicros);
  EXPECT_EQ(ParseOk("2000-02-29T00:00:00Z"), 951'782'400 * kMicros);
}

TEST(Rfc3339, CountsLeapSecondAsNextMinute) {
  EXPECT_EQ(ParseOk("2016-12-31T23:59:60Z"), ParseOk("2017-01-01T00:00:00Z"));
}

TEST(Rfc3339, RejectsOtherShapes) {
  for (const char* text : {
           "", "2023-12-11",
           "2023-12-11T10:56:02",        // no offset
           "2023-12-11 10:56:02Z",       // space for T
           "2023-12-11T10:56Z",          // no seconds
           "2023-12-11T10:56:02.Z",      // empty fraction
           "2023-12-11T10:56:02+0100",   // offset without colon
           "2023-12-11T10:56:02+01",     // short offset
           "2023-12-11T10:56:02ZZ",      // trailing text
           "2023-12-11T10:56:02Z ",      // trailing space
           " 2023-12-11T10:56:02Z",      // leading space
           "23-12-11T10:56:02Z",         // two-digit year
           "2023-1-11T10:56:02Z",        // one-digit month
           "2023/12/11T10:56:02Z",       // wrong date separator
           "1702292162",                 // Unix seconds
           "2023-12-11T10:56:02+01:00Z"  // both
       }) {
    Result<int64_t> parsed = ParseRfc3339(text);
    ASSERT_FALSE(parsed.ok()) << '"' << text << '"';
    EXPECT_EQ(parsed.error().code, ErrorCode::kBadRequest);
  }
}

TEST(Rfc3339, RejectsImpossibleValues) {
  for (const char* text : {"2023-13-01T00:00:00Z", "2023-00-01T00:00:00Z", "2023-02-29T00:00:00Z",
                           "2100-02-29T00:00:00Z", "2023-04-31T00:00:00Z", "2023-12-00T00:00:00Z",
                           "2023-12-11T24:00:00Z", "2023-12-11T10:60:00Z", "2023-12-11T10:56:61Z",
                           "2023-12-11T10:56:02+24:00", "2023-12-11T10:56:02+01:60"}) {
    EXPECT_FALSE(ParseRfc3339(text).ok()) << text;
  }
}

TEST(Rfc3339, ErrorDetailQuotesTheInput) {
  Result<int64_t> parsed = ParseRfc3339("yesterday");
  ASSERT_FALSE(parsed.ok());
  EXPECT_NE(parsed.error().detail.find("\"yesterday\""), std::string::npos);
}

TEST(Rfc3339, FormatsWholeSecondsWithoutFraction) {
  EXPECT_EQ(FormatRfc3339(kSample), "2023-12-11T10:56:02Z");
  EXPECT_EQ(FormatRfc3339(0), "1970-01-01T00:00:00Z");
}

TEST(Rfc3339, FormatsSubSecondsWithSixDigits) {
  EXPECT_EQ(FormatRfc3339(kSample + 123456), "2023-12-11T10:56:02.123456Z");
  EXPECT_EQ(FormatRfc3339(kSample + 500000), "2023-12-11T10:56:02.500000Z");
  EXPECT_EQ(FormatRfc3339(kSample + 1), "2023-12-11T10:56:02.000001Z");
}

TEST(Rfc3339, FormatsTimesBeforeTheEpoch) {
  EXPECT_EQ(FormatRfc3339(-1), "1969-12-31T23:59:59.999999Z");
  EXPECT_EQ(FormatRfc3339(-kMicros), "1969-12-31T23:59:59Z");
}

TEST(Rfc3339, ClampsYearsOutsideFourDigits) {
  EXPECT_EQ(FormatRfc3339(INT64_MAX), "9999-12-31T23:59:59.999999Z");
  EXPECT_EQ(FormatRfc3339(INT64_MIN), "0000-01-01T00:00:00Z");
}

TEST(Rfc3339, RoundTripsThroughFormat) {
  for (const char* text :
       {"2023-12-11T10:56:02Z", "2023-06-30T12:44:35.000001Z", "2024-02-29T23:59:59.999999Z",
        "0000-01-01T00:00:00Z", "9999-12-31T23:59:59Z"}) {
    EXPECT_EQ(FormatRfc3339(ParseOk(text)), text);
  }
}

}  // namespace
}  // namespace webhookd
