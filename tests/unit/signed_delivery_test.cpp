// Tests for reading, re-signing and formatting signed calls.
#include "bench/signed_delivery.hpp"

#include <gtest/gtest.h>

#include "core/crypto.hpp"
#include "paypro/signature.hpp"

namespace webhookd::bench {
namespace {

constexpr std::string_view kLine =
    R"({"timestamp":"1700000000","signature":"abc123","body":"{\"id\":\"EVAAAAAAAAAAAAAAAAAA\",\"n\":\"a\\\"b\"}"})";

TEST(SignedDelivery, ParsesAnExportLine) {
  auto delivery = ParseDeliveryLine(kLine);
  ASSERT_TRUE(delivery.ok()) << delivery.error().reason;
  EXPECT_EQ(delivery->timestamp, "1700000000");
  EXPECT_EQ(delivery->signature, "abc123");
  EXPECT_EQ(delivery->body, R"({"id":"EVAAAAAAAAAAAAAAAAAA","n":"a\"b"})");
}

TEST(SignedDelivery, RefusesLinesWithoutTheThreeStrings) {
  for (std::string_view line : {"", "[]", R"({"timestamp":"1","signature":"s"})",
                                R"({"timestamp":1,"signature":"s","body":"{}"})", "{"}) {
    EXPECT_FALSE(ParseDeliveryLine(line).ok()) << line;
  }
}

TEST(SignedDelivery, ParsesAWholeExportSkippingBlankLinesAndNamesABadLine) {
  const std::string text = std::string(kLine) + "\n\n" + std::string(kLine) + "\n";
  auto deliveries = ParseDeliveries(text);
  ASSERT_TRUE(deliveries.ok());
  EXPECT_EQ(deliveries->size(), 2u);
  auto bad = ParseDeliveries(std::string(kLine) + "\nnot json\n");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.error().reason.find("line 2"), std::string::npos) << bad.error().reason;
}

TEST(SignedDelivery, ResignsPayProStyleWithAFreshTimestamp) {
  SignedDelivery delivery{"1", "stale", R"({"id":"EVAAAAAAAAAAAAAAAAAA"})"};
  const Secret secret("whsec_bench");
  Resign(delivery, Signing::kPayPro, secret, 1800000000);
  EXPECT_EQ(delivery.timestamp, "1800000000");
  const Secret secrets[] = {secret};
  EXPECT_TRUE(
      CheckWebhookSignature(secrets, delivery.timestamp, delivery.body, delivery.signature).ok());
}

TEST(SignedDelivery, BodyHmacSignsTheBodyAlone) {
  SignedDelivery delivery{"1", "stale", "{}"};
  Resign(delivery, Signing::kBodyHmac, Secret("k"), 1800000000);
  EXPECT_EQ(delivery.signature, ToHex(HmacSha256("k", "{}")));
  EXPECT_EQ(delivery.timestamp, "1800000000");
}

TEST(SignedDelivery, AsExportedChangesNothing) {
  SignedDelivery delivery{"1", "sig", "{}"};
  Resign(delivery, Signing::kAsExported, Secret("k"), 1800000000);
  EXPECT_EQ(delivery.timestamp, "1");
  EXPECT_EQ(delivery.signature, "sig");
}

TEST(SignedDelivery, FormatsACompletePost) {
  const SignedDelivery delivery{"1700000000", "abc", R"({"id":"EV1"})"};
  const Url url = *ParseUrl("http://127.0.0.1:8080/webhooks/paypro");
  const std::string request = FormatRequest(delivery, url, false);
  EXPECT_TRUE(request.starts_with("POST /webhooks/paypro HTTP/1.1\r\nHost: 127.0.0.1:8080\r\n"))
      << request;
  EXPECT_NE(request.find("\r\nPayPro-Timestamp: 1700000000\r\n"), std::string::npos);
  EXPECT_NE(request.find("\r\nPayPro-Signature: abc\r\n"), std::string::npos);
  EXPECT_NE(request.find("\r\nContent-Length: 12\r\n"), std::string::npos);
  EXPECT_NE(request.find("\r\nContent-Type: application/json\r\n"), std::string::npos);
  EXPECT_EQ(request.find("Connection:"), std::string::npos);
  EXPECT_TRUE(request.ends_with("\r\n\r\n{\"id\":\"EV1\"}")) << request;
}

TEST(SignedDelivery, FormatsConnectionCloseRootPathAndIpv6Hosts) {
  const SignedDelivery delivery{"1", "s", "{}"};
  const std::string request = FormatRequest(delivery, *ParseUrl("http://[::1]:9000"), true);
  EXPECT_TRUE(request.starts_with("POST / HTTP/1.1\r\nHost: [::1]:9000\r\n")) << request;
  EXPECT_NE(request.find("\r\nConnection: close\r\n"), std::string::npos);
}

}  // namespace
}  // namespace webhookd::bench
