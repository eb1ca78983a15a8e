// Tests for JudgeFetch: what one fetch of an event means for its stored row.
#include "daemon/verifier.hpp"

#include <gtest/gtest.h>

#include <string>

#include "tests/support/test_data.hpp"

namespace webhookd {
namespace {

using testing::ReadSampleEvent;
using Kind = VerificationResult::Kind;
using std::chrono::milliseconds;
using std::chrono::seconds;

ClaimedEvent Claimed(std::string id, int attempts = 0, std::string posted_type = "payment.paid") {
  return ClaimedEvent{std::move(id), std::move(posted_type), attempts};
}

EventFetch Fetch(FetchVerdict verdict, unsigned status, std::string body = {}, std::string detail = {}) {
  EventFetch fetch;
  fetch.verdict = verdict;
  fetch.status = status;
  fetch.body = std::move(body);
  fetch.detail = std::move(detail);
  return fetch;
}

VerifierConfig Config() {
  VerifierConfig config;
  config.max_backoff = seconds(600);
  return config;
}

TEST(JudgeFetch, FoundCopyVerifiesWithPayProsFields) {
  const std::string body = ReadSampleEvent("payment.paid.json");
  const VerificationResult result =
      JudgeFetch(Claimed("EVYK7KCFJAXA23UKSG"), Fetch(FetchVerdict::kFound, 200, body), Config(), 0.0);
  EXPECT_EQ(result.kind, Kind::kVerified);
  EXPECT_EQ(result.event_id, "EVYK7KCFJAXA23UKSG");
  EXPECT_EQ(result.copy.event_type, "payment.paid");
  EXPECT_EQ(result.copy.resource_type, "payment");
  EXPECT_EQ(result.copy.resource_id, "PPH25H07JYWLR7PA82");
  EXPECT_EQ(result.copy.created_at, "2023-06-30T12:44:36Z");
  EXPECT_EQ(result.copy.body, body);
  EXPECT_EQ(result.error, "");
}

TEST(JudgeFetch, PayProsTypeReplacesThePostedOne) {
  const std::string body = ReadSampleEvent("customer.created.json");
  const VerificationResult result = JudgeFetch(Claimed("EVCU7JRN6W6K3DA9", 2, "payment.paid"),
                                               Fetch(FetchVerdict::kFound, 200, body), Config(), 0.0);
  EXPECT_EQ(result.kind, Kind::kVerified);
  EXPECT_EQ(result.copy.event_type, "customer.created");
  EXPECT_EQ(result.copy.resource_type, "customer");
  EXPECT_EQ(result.copy.resource_id, "CU7JRN6W6K3DA9");
}

TEST(JudgeFetch, UnknownTypeWithoutPayloadStillVerifies) {
  const std::string body =
      R"({"id":"EVNEW1234","type":"event","event_type":"voucher.issued","created_at":"2024-01-02T03:04:05Z"})";
  const VerificationResult result =
      JudgeFetch(Claimed("EVNEW1234", 0, ""), Fetch(FetchVerdict::kFound, 200, body), Config(), 0.0);
  EXPECT_EQ(result.kind, Kind::kVerified);
  EXPECT_EQ(result.copy.event_type, "voucher.issued");
  EXPECT_EQ(result.copy.resource_type, "");
  EXPECT_EQ(result.copy.resource_id, "");
  EXPECT_EQ(result.copy.body, body);
}

TEST(JudgeFetch, NotFoundRejects) {
  const VerificationResult result =
      JudgeFetch(Claimed("EVAAAA1111", 4),
                 Fetch(FetchVerdict::kNotFound, 404, "", "PayPro does not know this event (404)"), Config(), 0.5);
  EXPECT_EQ(result.kind, Kind::kRejected);
  EXPECT_EQ(result.event_id, "EVAAAA1111");
  EXPECT_EQ(result.error, "PayPro does not know this event (404)");
}

TEST(JudgeFetch, TransientFailureRetriesWithBackoff) {
  VerificationResult result =
      JudgeFetch(Claimed("EVAAAA1111", 0), Fetch(FetchVerdict::kRetry, 503, "", "PayPro answered 503"), Config(), 0.0);
  EXPECT_EQ(result.kind, Kind::kRetry);
  EXPECT_EQ(result.event_id, "EVAAAA1111");
  EXPECT_EQ(result.error, "PayPro answered 503");
  // First retry: 1 s base, jitter 0 takes the lower half's start.
  EXPECT_EQ(result.delay, milliseconds(500));
  result = JudgeFetch(Claimed("EVAAAA1111", 3), Fetch(FetchVerdict::kRetry, 0, "", "timeout"), Config(), 0.0);
  EXPECT_EQ(result.delay, milliseconds(4000));
}

TEST(JudgeFetch, RetryDelayIsCappedByMaxBackoff) {
  const VerificationResult result =
      JudgeFetch(Claimed("EVAAAA1111", 50), Fetch(FetchVerdict::kRetry, 500, "", "x"), Config(), 0.0);
  EXPECT_EQ(result.delay, milliseconds(300'000));
}

TEST(JudgeFetch, RetryAfterIsHonoured) {
  EventFetch fetch = Fetch(FetchVerdict::kRetry, 429, "", "PayPro answered 429");
  fetch.retry_after = seconds(90);
  const VerificationResult result = JudgeFetch(Claimed("EVAAAA1111", 0), std::move(fetch), Config(), 0.0);
  EXPECT_EQ(result.kind, Kind::kRetry);
  EXPECT_EQ(result.delay, milliseconds(90'000));
}

TEST(JudgeFetch, AuthFailureKeepsTheEventAndRetries) {
  const VerificationResult result = JudgeFetch(
      Claimed("EVAAAA1111", 1), Fetch(FetchVerdict::kAuthFailed, 401, "", "PayPro refused our API key (401)"),
      Config(), 0.0);
  EXPECT_EQ(result.kind, Kind::kRetry);
  EXPECT_EQ(result.error, "PayPro refused our API key (401)");
  EXPECT_EQ(result.delay, milliseconds(1000));
}

TEST(JudgeFetch, CopyWithAnotherIdRetries) {
  const std::string body = ReadSampleEvent("payment.paid.json");
  const VerificationResult result =
      JudgeFetch(Claimed("EVAAAA1111", 0), Fetch(FetchVerdict::kFound, 200, body), Config(), 0.0);
  EXPECT_EQ(result.kind, Kind::kRetry);
  EXPECT_EQ(result.event_id, "EVAAAA1111");
  EXPECT_EQ(result.error, "PayPro answered with another event id: EVYK7KCFJAXA23UKSG");
  EXPECT_EQ(result.delay, milliseconds(500));
  EXPECT_EQ(result.copy.body, "");
}

TEST(JudgeFetch, CopyThatDoesNotDecodeRetries) {
  for (const std::string& body : {std::string("<html>maintenance</html>"), std::string(""), std::string("[]"),
                                 std::string(R"({"id":"EVAAAA1111"})"),
                                 std::string(R"({"id":"EVAAAA1111","event_type":"payment.paid"})")}) {
    const VerificationResult result =
        JudgeFetch(Claimed("EVAAAA1111", 0), Fetch(FetchVerdict::kFound, 200, body), Config(), 0.0);
    EXPECT_EQ(result.kind, Kind::kRetry) << body;
    EXPECT_TRUE(result.error.starts_with("PayPro's copy is malformed: ")) << result.error;
    EXPECT_EQ(result.delay, milliseconds(500));
  }
}

}  // namespace
}  // namespace webhookd
