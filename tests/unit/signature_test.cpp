// Tests for PayPro webhook signing, timestamp parsing and freshness.
#include "paypro/signature.hpp"

#include <gtest/gtest.h>

#include <limits>
#include <string>
#include <vector>

namespace webhookd {
namespace {

constexpr int64_t kMaxInt64 = std::numeric_limits<int64_t>::max();
constexpr int64_t kMinInt64 = std::numeric_limits<int64_t>::min();

// The vectors below were computed outside this code base, with the openssl CLI.
constexpr std::string_view kAsciiBody = R"({"id":"EVAAAA1111"})";
// printf '%s' '1700000000.{"id":"EVAAAA1111"}' | openssl dgst -sha256 -hmac 'whsec_test'
constexpr std::string_view kAsciiSignature = "6c803096df1ea9098395a6ed8e3bbb8929808cc585056bf3cb66692176b97ccc";

// printf '%s' '1700000000.' | openssl dgst -sha256 -hmac 'whsec_test'
constexpr std::string_view kEmptyBodySignature = "5967f3c560522fa40cf2876ebc3c3a08551dd6959aaade3b413460591895bdcc";

// The same bytes as the UTF-8 literal in the command below (66 bytes, 60 characters).
constexpr std::string_view kUtf8Body =
    "{\"id\":\"EVBBBB2222\",\"description\":\"Betaling \xe2\x82\xac" "12,50 \xe2\x80\x94 caf\xc3\xa9 \xc3\xbc\"}";
// printf '%s' '1700000123.{"id":"EVBBBB2222","description":"Betaling €12,50 — café ü"}' |
//   openssl dgst -sha256 -hmac 'whsec_other'
constexpr std::string_view kUtf8Signature = "1fe96e8a86c6cfd11e672bc04aad2f51019ee95abc77f52668aa2bb4f1a8025e";

std::string Uppercase(std::string_view text) {
  std::string upper(text);
  for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return upper;
}

TEST(ComputeWebhookSignature, MatchesOpensslForAsciiBody) {
  EXPECT_EQ(ComputeWebhookSignature(Secret("whsec_test"), "1700000000", kAsciiBody), kAsciiSignature);
}

TEST(ComputeWebhookSignature, MatchesOpensslForEmptyBody) {
  EXPECT_EQ(ComputeWebhookSignature(Secret("whsec_test"), "1700000000", ""), kEmptyBodySignature);
}

TEST(ComputeWebhookSignature, MatchesOpensslForMultiByteUtf8Body) {
  ASSERT_EQ(kUtf8Body.size(), 66u);
  EXPECT_EQ(ComputeWebhookSignature(Secret("whsec_other"), "1700000123", kUtf8Body), kUtf8Signature);
}

TEST(ComputeWebhookSignature, DependsOnTimestampBodyAndSecret) {
  const std::string base = ComputeWebhookSignature(Secret("whsec_test"), "1700000000", kAsciiBody);
  EXPECT_NE(ComputeWebhookSignature(Secret("whsec_test"), "1700000001", kAsciiBody), base);
  EXPECT_NE(ComputeWebhookSignature(Secret("whsec_tesT"), "1700000000", kAsciiBody), base);
  EXPECT_NE(ComputeWebhookSignature(Secret("whsec_test"), "1700000000", R"({"id":"EVAAAA1112"})"), base);
  EXPECT_EQ(base.size(), 64u);
}

TEST(ParseWebhookTimestamp, AcceptsPlainDecimalSeconds) {
  auto parsed = ParseWebhookTimestamp("1700000000");
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(*parsed, 1700000000);
}

TEST(ParseWebhookTimestamp, AcceptsZero) {
  auto parsed = ParseWebhookTimestamp("0");
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(*parsed, 0);
}

TEST(ParseWebhookTimestamp, AcceptsMaxInt64) {
  auto parsed = ParseWebhookTimestamp("9223372036854775807");
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(*parsed, kMaxInt64);
}

TEST(ParseWebhookTimestamp, RejectsEmptyAsMissing) {
  auto parsed = ParseWebhookTimestamp("");
  ASSERT_FALSE(parsed.ok());
  EXPECT_EQ(parsed.error().code, ErrorCode::kBadRequest);
  EXPECT_EQ(parsed.error().reason, "missing PayPro-Timestamp");
}

TEST(ParseWebhookTimestamp, RejectsMalformedValues) {
  for (const std::string_view text :
       {"abc", "17000000x0", "-5", "+5", " 5", "5 ", "0x10", "1.5", "1e9", "\xd9\xa1",
        "99999999999999999999", "9223372036854775808"}) {
    auto parsed = ParseWebhookTimestamp(text);
    ASSERT_FALSE(parsed.ok()) << "'" << text << "' parsed as " << *parsed;
    EXPECT_EQ(parsed.error().code, ErrorCode::kBadRequest) << text;
    EXPECT_EQ(parsed.error().reason, "invalid PayPro-Timestamp") << text;
  }
}

TEST(CheckTimestampFresh, AcceptsExactlyAtTheTolerance) {
  EXPECT_TRUE(CheckTimestampFresh(1000, 1000, 600).ok());
  EXPECT_TRUE(CheckTimestampFresh(400, 1000, 600).ok());
  EXPECT_TRUE(CheckTimestampFresh(1600, 1000, 600).ok());
}

TEST(CheckTimestampFresh, RejectsOneSecondPastTheTolerance) {
  for (const int64_t timestamp : {399, 1601}) {
    Status fresh = CheckTimestampFresh(timestamp, 1000, 600);
    ASSERT_FALSE(fresh.ok()) << timestamp;
    EXPECT_EQ(fresh.error().code, ErrorCode::kUnauthorized);
    EXPECT_EQ(fresh.error().reason, "timestamp outside tolerance");
  }
}

TEST(CheckTimestampFresh, ZeroToleranceAcceptsOnlyNow) {
  EXPECT_TRUE(CheckTimestampFresh(1000, 1000, 0).ok());
  EXPECT_FALSE(CheckTimestampFresh(999, 1000, 0).ok());
  EXPECT_FALSE(CheckTimestampFresh(1001, 1000, 0).ok());
}

TEST(CheckTimestampFresh, HugeValuesDoNotOverflow) {
  const int64_t now = 1'700'000'000;
  EXPECT_FALSE(CheckTimestampFresh(kMaxInt64, now, 600).ok());
  EXPECT_FALSE(CheckTimestampFresh(0, now, 600).ok());
  EXPECT_FALSE(CheckTimestampFresh(kMinInt64, now, 600).ok());
  EXPECT_TRUE(CheckTimestampFresh(kMaxInt64, kMaxInt64 - 600, 600).ok());
  EXPECT_FALSE(CheckTimestampFresh(kMaxInt64, kMaxInt64 - 601, 600).ok());
}

TEST(CheckWebhookSignature, AcceptsTheOpensslSignature) {
  const std::vector<Secret> secrets{Secret("whsec_test")};
  EXPECT_TRUE(CheckWebhookSignature(secrets, "1700000000", kAsciiBody, kAsciiSignature).ok());
  EXPECT_TRUE(CheckWebhookSignature(secrets, "1700000000", "", kEmptyBodySignature).ok());
}

TEST(CheckWebhookSignature, AcceptsAnyOfSeveralSecrets) {
  const std::vector<Secret> secrets{Secret("whsec_old"), Secret("whsec_other"), Secret("whsec_test")};
  EXPECT_TRUE(CheckWebhookSignature(secrets, "1700000000", kAsciiBody, kAsciiSignature).ok());
  EXPECT_TRUE(CheckWebhookSignature(secrets, "1700000123", kUtf8Body, kUtf8Signature).ok());
}

TEST(CheckWebhookSignature, RejectsWhenNoSecretSigns) {
  const std::vector<Secret> secrets{Secret("whsec_old"), Secret("whsec_new")};
  Status checked = CheckWebhookSignature(secrets, "1700000000", kAsciiBody, kAsciiSignature);
  ASSERT_FALSE(checked.ok());
  EXPECT_EQ(checked.error().code, ErrorCode::kUnauthorized);
  EXPECT_EQ(checked.error().reason, "invalid signature");
}

TEST(CheckWebhookSignature, RejectsSignatureOverAnotherTimestampOrBody) {
  const std::vector<Secret> secrets{Secret("whsec_test")};
  EXPECT_FALSE(CheckWebhookSignature(secrets, "1700000001", kAsciiBody, kAsciiSignature).ok());
  EXPECT_FALSE(CheckWebhookSignature(secrets, "1700000000", R"({"id":"EVAAAA1111"} )", kAsciiSignature).ok());
}

TEST(CheckWebhookSignature, RejectsWrongLength) {
  const std::vector<Secret> secrets{Secret("whsec_test")};
  const std::string longer = std::string(kAsciiSignature) + "0";
  for (const std::string_view signature : {kAsciiSignature.substr(0, 63), std::string_view(longer),
                                           kAsciiSignature.substr(0, 32), std::string_view()}) {
    Status checked = CheckWebhookSignature(secrets, "1700000000", kAsciiBody, signature);
    ASSERT_FALSE(checked.ok()) << signature;
    EXPECT_EQ(checked.error().code, ErrorCode::kUnauthorized);
  }
}

TEST(CheckWebhookSignature, RejectsUppercaseHex) {
  const std::vector<Secret> secrets{Secret("whsec_test")};
  const std::string upper = Uppercase(kAsciiSignature);
  ASSERT_NE(upper, kAsciiSignature);
  EXPECT_FALSE(CheckWebhookSignature(secrets, "1700000000", kAsciiBody, upper).ok());
}

TEST(CheckWebhookSignature, RejectsEverythingWithNoSecrets) {
  const std::vector<Secret> none;
  Status checked = CheckWebhookSignature(none, "1700000000", kAsciiBody, kAsciiSignature);
  ASSERT_FALSE(checked.ok());
  EXPECT_EQ(checked.error().code, ErrorCode::kUnauthorized);
}

TEST(CheckWebhookSignature, EmptySecretDoesNotMatchEmptySignature) {
  const std::vector<Secret> secrets{Secret("")};
  EXPECT_FALSE(CheckWebhookSignature(secrets, "1700000000", kAsciiBody, "").ok());
}

}  // namespace
}  // namespace webhookd
