// Tests for the webhook intake decision: order of checks and every verdict.
#include "daemon/intake.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "paypro/signature.hpp"
#include "tests/support/test_data.hpp"

namespace webhookd {
namespace {

using testing::ReadSampleEvent;

constexpr std::string_view kPath = "/webhooks/paypro";
constexpr int64_t kNow = 1'700'000'000;
constexpr std::string_view kNowText = "1700000000";
constexpr std::string_view kBody = R"({"id":"EVAAAA1111","event_type":"payment.paid"})";

class IntakeTest : public ::testing::Test {
 protected:
  std::vector<Secret> secrets_{Secret("whsec_old"), Secret("whsec_test")};
  IntakeSettings settings_{kPath, secrets_, 600, {}};
  std::optional<IpAddress> client_ = IpAddress::Parse("127.0.0.1").value();

  // A POST to the webhook path, signed with whsec_test at `timestamp`.
  static ServerRequest Signed(std::string_view body, std::string_view timestamp = kNowText) {
    ServerRequest request;
    request.method = "POST";
    request.target = std::string(kPath);
    request.headers.Add("Content-Type", "application/json");
    request.headers.Add("PayPro-Timestamp", std::string(timestamp));
    request.headers.Add("PayPro-Signature", ComputeWebhookSignature(Secret("whsec_test"), timestamp, body));
    request.body = std::string(body);
    request.peer_address = "127.0.0.1";
    return request;
  }

  Error Refused(ServerRequest request) {
    Result<AcceptedWebhook> verdict = DecideIntake(std::move(request), client_, settings_, kNow);
    EXPECT_FALSE(verdict.ok()) << "accepted " << (verdict.ok() ? verdict->event.id : "");
    return verdict.ok() ? Error{ErrorCode::kInternal, "accepted", ""} : verdict.error();
  }

  void ExpectRefused(ServerRequest request, ErrorCode code, std::string_view reason) {
    const Error error = Refused(std::move(request));
    EXPECT_EQ(error.code, code) << error.reason << " / " << error.detail;
    EXPECT_EQ(error.reason, reason) << error.detail;
  }
};

TEST_F(IntakeTest, AcceptsSignedEventAndMovesBodyUnchanged) {
  const std::string body = ReadSampleEvent("payment.paid.json");
  Result<AcceptedWebhook> verdict = DecideIntake(Signed(body), client_, settings_, kNow);
  ASSERT_TRUE(verdict.ok()) << verdict.error().detail;
  EXPECT_EQ(verdict->event.id, "EVYK7KCFJAXA23UKSG");
  EXPECT_EQ(verdict->event.event_type, "payment.paid");
  EXPECT_EQ(verdict->body, body);
}

// Found by tests/fuzz/intake_fuzz: a signed body whose payload has no id
// threw out of DecideIntake (see posted_event_test.cpp).
TEST_F(IntakeTest, AcceptsSignedEventWhosePayloadHasNoId) {
  for (const std::string body : {R"({"id":"EVAAAA1111","payload":{"md":"PPH25H07JYWLR7PA82"}})",
                                  R"({"id":"EVAAAA1111","payload":null})"}) {
    Result<AcceptedWebhook> verdict = DecideIntake(Signed(body), client_, settings_, kNow);
    ASSERT_TRUE(verdict.ok()) << body << ": " << verdict.error().detail;
    EXPECT_EQ(verdict->event.resource_id, "") << body;
  }
}

TEST_F(IntakeTest, AcceptsEventWithoutEventType) {
  Result<AcceptedWebhook> verdict = DecideIntake(Signed(R"({"id":"EVAAAA1111"})"), client_, settings_, kNow);
  ASSERT_TRUE(verdict.ok()) << verdict.error().detail;
  EXPECT_EQ(verdict->event.id, "EVAAAA1111");
  EXPECT_EQ(verdict->event.event_type, "");
}

TEST_F(IntakeTest, AcceptsSignatureOfAnyConfiguredSecret) {
  ServerRequest request = Signed(kBody);
  request.headers = HttpHeaders();
  request.headers.Add("PayPro-Timestamp", std::string(kNowText));
  request.headers.Add("PayPro-Signature", ComputeWebhookSignature(Secret("whsec_old"), kNowText, kBody));
  EXPECT_TRUE(DecideIntake(std::move(request), client_, settings_, kNow).ok());
}

TEST_F(IntakeTest, IgnoresQueryStringInPath) {
  ServerRequest request = Signed(kBody);
  request.target = "/webhooks/paypro?attempt=2";
  Result<AcceptedWebhook> verdict = DecideIntake(std::move(request), client_, settings_, kNow);
  ASSERT_TRUE(verdict.ok()) << verdict.error().detail;
  EXPECT_EQ(verdict->event.id, "EVAAAA1111");
}

TEST_F(IntakeTest, AcceptsHeaderNamesInAnyCase) {
  ServerRequest request = Signed(kBody);
  request.headers = HttpHeaders();
  request.headers.Add("paypro-timestamp", std::string(kNowText));
  request.headers.Add("PAYPRO-SIGNATURE", ComputeWebhookSignature(Secret("whsec_test"), kNowText, kBody));
  EXPECT_TRUE(DecideIntake(std::move(request), client_, settings_, kNow).ok());
}

TEST_F(IntakeTest, ClientOutsideAllowFromIs403BeforeAnythingElse) {
  const std::vector<IpNetwork> allow = {IpNetwork::Parse("192.0.2.0/24").value()};
  settings_.allow_from = allow;
  client_ = IpAddress::Parse("203.0.113.7").value();
  ExpectRefused(Signed(kBody), ErrorCode::kForbidden, "forbidden");
  ServerRequest unsigned_elsewhere;
  unsigned_elsewhere.method = "GET";
  unsigned_elsewhere.target = "/secret-path";
  ExpectRefused(std::move(unsigned_elsewhere), ErrorCode::kForbidden, "forbidden");
}

TEST_F(IntakeTest, ClientInAllowFromGoesOnToTheOtherChecks) {
  const std::vector<IpNetwork> allow = {IpNetwork::Parse("192.0.2.0/24").value(),
                                        IpNetwork::Parse("2001:db8::/32").value()};
  settings_.allow_from = allow;
  for (const std::string_view address : {"192.0.2.9", "2001:db8:1::5", "::ffff:192.0.2.200"}) {
    client_ = IpAddress::Parse(address).value();
    EXPECT_TRUE(DecideIntake(Signed(kBody), client_, settings_, kNow).ok()) << address;
    ServerRequest request = Signed(kBody);
    request.target = "/elsewhere";
    ExpectRefused(std::move(request), ErrorCode::kNotFound, "not found");
  }
}

TEST_F(IntakeTest, UnknownClientIsRefusedOnlyWhenAllowFromIsSet) {
  client_ = std::nullopt;
  EXPECT_TRUE(DecideIntake(Signed(kBody), client_, settings_, kNow).ok());
  const std::vector<IpNetwork> allow = {IpNetwork::Parse("0.0.0.0/0").value()};
  settings_.allow_from = allow;
  ExpectRefused(Signed(kBody), ErrorCode::kForbidden, "forbidden");
}

TEST_F(IntakeTest, UnknownPathIs404BeforeAnythingElse) {
  for (const std::string_view target : {"/", "/webhooks/paypro/", "/webhooks/PayPro", "/webhooks/paypr",
                                        "/webhooks/paypro/x", "/webhooks/paypro%20"}) {
    ServerRequest request = Signed("not json");
    request.method = "GET";
    request.target = std::string(target);
    request.headers.Add("PayPro-Timestamp", "x");
    ExpectRefused(std::move(request), ErrorCode::kNotFound, "not found");
  }
}

TEST_F(IntakeTest, WrongMethodIs405BeforeHeaderChecks) {
  for (const std::string_view method : {"GET", "PUT", "HEAD", "post"}) {
    ServerRequest request;
    request.method = std::string(method);
    request.target = std::string(kPath);
    request.headers.Add("PayPro-Timestamp", "1");
    request.headers.Add("PayPro-Timestamp", "2");
    ExpectRefused(std::move(request), ErrorCode::kMethodNotAllowed, "method not allowed");
  }
}

TEST_F(IntakeTest, RepeatedTimestampHeaderIs400EvenWhenSigned) {
  ServerRequest request = Signed(kBody);
  request.headers.Add("PayPro-Timestamp", std::string(kNowText));
  ExpectRefused(std::move(request), ErrorCode::kBadRequest, "repeated PayPro header");
}

TEST_F(IntakeTest, RepeatedSignatureHeaderIs400) {
  ServerRequest request = Signed(kBody);
  request.headers.Add("paypro-signature", ComputeWebhookSignature(Secret("whsec_old"), kNowText, kBody));
  ExpectRefused(std::move(request), ErrorCode::kBadRequest, "repeated PayPro header");
}

TEST_F(IntakeTest, MissingTimestampIs400BeforeSignature) {
  ServerRequest request = Signed(kBody);
  request.headers = HttpHeaders();
  request.headers.Add("PayPro-Signature", "bad");
  ExpectRefused(std::move(request), ErrorCode::kBadRequest, "missing PayPro-Timestamp");
}

TEST_F(IntakeTest, InvalidTimestampIs400BeforeSignature) {
  for (const std::string_view timestamp : {"abc", "-1700000000", "1700000000.5", " 1700000000"}) {
    ExpectRefused(Signed(kBody, timestamp), ErrorCode::kBadRequest, "invalid PayPro-Timestamp");
  }
}

TEST_F(IntakeTest, BadSignatureIs401) {
  ServerRequest request = Signed(kBody);
  request.body = R"({"id":"EVAAAA1111","event_type":"payment.paid","amount":1})";
  ExpectRefused(std::move(request), ErrorCode::kUnauthorized, "invalid signature");
}

TEST_F(IntakeTest, MissingSignatureIs401) {
  ServerRequest request = Signed(kBody);
  request.headers = HttpHeaders();
  request.headers.Add("PayPro-Timestamp", std::string(kNowText));
  ExpectRefused(std::move(request), ErrorCode::kUnauthorized, "invalid signature");
}

TEST_F(IntakeTest, SignatureOfUnknownSecretIs401) {
  ServerRequest request = Signed(kBody);
  request.headers = HttpHeaders();
  request.headers.Add("PayPro-Timestamp", std::string(kNowText));
  request.headers.Add("PayPro-Signature", ComputeWebhookSignature(Secret("whsec_stolen"), kNowText, kBody));
  ExpectRefused(std::move(request), ErrorCode::kUnauthorized, "invalid signature");
}

TEST_F(IntakeTest, SignatureIsCheckedBeforeFreshnessAndBody) {
  ServerRequest stale_unsigned = Signed("not json", "1600000000");
  stale_unsigned.headers = HttpHeaders();
  stale_unsigned.headers.Add("PayPro-Timestamp", "1600000000");
  stale_unsigned.headers.Add("PayPro-Signature", std::string(64, 'a'));
  ExpectRefused(std::move(stale_unsigned), ErrorCode::kUnauthorized, "invalid signature");
}

TEST_F(IntakeTest, StaleTimestampIs401) {
  ExpectRefused(Signed(kBody, "1699999399"), ErrorCode::kUnauthorized, "timestamp outside tolerance");
  EXPECT_TRUE(DecideIntake(Signed(kBody, "1699999400"), client_, settings_, kNow).ok());
}

TEST_F(IntakeTest, FutureTimestampIs401) {
  ExpectRefused(Signed(kBody, "1700000601"), ErrorCode::kUnauthorized, "timestamp outside tolerance");
  EXPECT_TRUE(DecideIntake(Signed(kBody, "1700000600"), client_, settings_, kNow).ok());
}

TEST_F(IntakeTest, FreshnessIsCheckedBeforeBody) {
  ExpectRefused(Signed("not json", "1600000000"), ErrorCode::kUnauthorized, "timestamp outside tolerance");
}

TEST_F(IntakeTest, SignedBodyThatIsNotAnEventIs400) {
  const std::string deep_array = std::string(10000, '[') + std::string(10000, ']');
  std::string deep_object;
  for (int i = 0; i < 10000; ++i) deep_object += R"({"a":)";
  deep_object += "1" + std::string(10000, '}');
  const std::string deep_inside = R"({"id":"EVAAAA1111","x":)" + deep_array + "}";
  for (const std::string& body :
       {std::string("not json"), std::string(""), std::string(R"({"id":"EVAAAA1111")"),
        std::string(R"([{"id":"EVAAAA1111"}])"), std::string(R"("EVAAAA1111")"), std::string("null"),
        std::string("42"), deep_array, deep_object, deep_inside, std::string(R"({"id":"EVAAAA1111","id":"EVBBBB2222"})"),
        std::string(R"({"id":"EVAAAA1111","id":"EVAAAA1111"})"), std::string(R"({"id":1234})"),
        std::string(R"({"id":null})"), std::string(R"({"event_type":"payment.paid"})"), std::string("{}"),
        std::string(R"({"id":"EVAAAA1111","event_type":5})")}) {
    const Error error = Refused(Signed(body));
    EXPECT_EQ(error.code, ErrorCode::kBadRequest) << body.substr(0, 80);
    EXPECT_EQ(error.reason, "invalid event body") << body.substr(0, 80) << ": " << error.detail;
  }
}

TEST_F(IntakeTest, SignedBodyWithInvalidIdIs400) {
  for (const std::string_view id : {"evaaaa1111", "EVAA", "EVAAA/", "EV..AAAA", "EVAA%2FAA", "EVAAAA?1", "EVAAAA#1",
                                    "EVAA AA", "", "EV", "PPAAAA1111"}) {
    const std::string body = R"({"id":")" + std::string(id) + R"("})";
    ExpectRefused(Signed(body), ErrorCode::kBadRequest, "invalid event id");
  }
}

TEST(ParsePostedEvent, ReadsIdAndType) {
  auto posted = ParsePostedEvent(R"({"type":"event","event_type":"customer.created","id":"EVCU7JRN6W6K3DA9",
                                    "payload":{"id":"CU7JRN6W6K3DA9","type":"customer"}})");
  ASSERT_TRUE(posted.ok()) << posted.error().detail;
  EXPECT_EQ(posted->id, "EVCU7JRN6W6K3DA9");
  EXPECT_EQ(posted->event_type, "customer.created");
}

TEST(ParsePostedEvent, IgnoresNestedIds) {
  auto posted = ParsePostedEvent(R"({"payload":{"id":"PP1234"},"id":"EVABCD"})");
  ASSERT_TRUE(posted.ok()) << posted.error().detail;
  EXPECT_EQ(posted->id, "EVABCD");
  EXPECT_EQ(posted->event_type, "");
}

TEST(ParsePostedEvent, NamesWhatIsWrongInTheDetail) {
  EXPECT_EQ(ParsePostedEvent("[]").error().detail, "body is not a JSON object");
  EXPECT_EQ(ParsePostedEvent("{}").error().detail, "body has no id");
  EXPECT_EQ(ParsePostedEvent(R"({"id":"EVABCD","id":"EVABCD"})").error().detail, "body has more than one id");
  EXPECT_EQ(ParsePostedEvent(R"({"id":7})").error().detail, "id is not a string");
  EXPECT_EQ(ParsePostedEvent(R"({"id":"EVABCD","event_type":[]})").error().detail, "event_type is not a string");
  EXPECT_EQ(ParsePostedEvent("{").error().code, ErrorCode::kBadRequest);
}

TEST(ParsePostedEvent, RejectsTrailingGarbage) {
  auto posted = ParsePostedEvent(R"({"id":"EVABCD"} x)");
  ASSERT_FALSE(posted.ok());
  EXPECT_EQ(posted.error().code, ErrorCode::kBadRequest);
}

TEST(ParsePostedEvent, RejectsInvalidUtf8) {
  auto posted = ParsePostedEvent("{\"id\":\"EVABCD\",\"d\":\"\xff\xfe\"}");
  ASSERT_FALSE(posted.ok());
  EXPECT_EQ(posted.error().code, ErrorCode::kBadRequest);
}

}  // namespace
}  // namespace webhookd
