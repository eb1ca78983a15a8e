// End to end: every answer of the webhook listener, and that refused calls leave no trace.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <functional>
#include <thread>

#include "paypro/signature.hpp"
#include "tests/support/harness.hpp"
#include "tests/support/test_database.hpp"

namespace webhookd::testing {
namespace {

// A request built from a valid signed event, then altered.
struct AnswerCase {
  std::string name;
  unsigned status;
  std::function<void(ClientRequest&, const std::string& event)> alter;
};

std::string Sign(const std::string& stamp, const std::string& body, const std::string& secret = kWebhookSecret) {
  return ComputeWebhookSignature(Secret(secret), stamp, body);
}

ClientRequest SignedRequest(const std::string& body, int64_t stamp) {
  ClientRequest request{"POST", "/webhooks/paypro", {}, body};
  request.headers.Add("Content-Type", "application/json");
  request.headers.Add("PayPro-Timestamp", std::to_string(stamp));
  request.headers.Add("PayPro-Signature", Sign(std::to_string(stamp), body));
  return request;
}

// Replaces the headers with a fresh signature over `body` at `stamp`.
void Resign(ClientRequest& request, const std::string& body, const std::string& stamp) {
  request.body = body;
  request.headers = {};
  request.headers.Add("PayPro-Timestamp", stamp);
  request.headers.Add("PayPro-Signature", Sign(stamp, body));
}

std::vector<AnswerCase> Cases() {
  const auto now = [] { return std::to_string(NowSeconds()); };
  return {
      {"other path is 404", 404, [](ClientRequest& r, const std::string&) { r.target = "/webhooks/other"; }},
      {"GET is 405", 405, [](ClientRequest& r, const std::string&) { r.method = "GET"; r.body.clear(); }},
      {"PUT is 405", 405, [](ClientRequest& r, const std::string&) { r.method = "PUT"; }},
      {"missing timestamp is 400", 400,
       [](ClientRequest& r, const std::string& e) {
         r.headers = {};
         r.headers.Add("PayPro-Signature", Sign("", e));
       }},
      {"non-numeric timestamp is 400", 400, [](ClientRequest& r, const std::string& e) { Resign(r, e, "12ab"); }},
      {"negative timestamp is 400", 400, [](ClientRequest& r, const std::string& e) { Resign(r, e, "-5"); }},
      {"timestamp 601 s old is 401", 401,
       [](ClientRequest& r, const std::string& e) { Resign(r, e, std::to_string(NowSeconds() - 601)); }},
      {"timestamp 601 s ahead is 401", 401,
       [](ClientRequest& r, const std::string& e) { Resign(r, e, std::to_string(NowSeconds() + 601)); }},
      {"huge timestamp is 401", 401,
       [](ClientRequest& r, const std::string& e) { Resign(r, e, "99999999999999999"); }},
      {"timestamp beyond 64 bits is 400", 400,
       [](ClientRequest& r, const std::string& e) { Resign(r, e, "99999999999999999999999"); }},
      {"signature for another secret is 401", 401,
       [now](ClientRequest& r, const std::string& e) {
         const std::string stamp = now();
         r.headers = {};
         r.headers.Add("PayPro-Timestamp", stamp);
         r.headers.Add("PayPro-Signature", Sign(stamp, e, "another-secret"));
       }},
      {"empty signature is 401", 401,
       [now](ClientRequest& r, const std::string&) {
         r.headers = {};
         r.headers.Add("PayPro-Timestamp", now());
         r.headers.Add("PayPro-Signature", "");
       }},
      {"uppercase hex signature is 401", 401,
       [now](ClientRequest& r, const std::string& e) {
         const std::string stamp = now();
         std::string signature = Sign(stamp, e);
         for (char& c : signature) c = static_cast<char>(std::toupper(c));
         r.headers = {};
         r.headers.Add("PayPro-Timestamp", stamp);
         r.headers.Add("PayPro-Signature", signature);
       }},
      {"repeated signature header is 400", 400,
       [](ClientRequest& r, const std::string&) { r.headers.Add("PayPro-Signature", "00"); }},
      {"body that is not JSON is 400", 400, [now](ClientRequest& r, const std::string&) { Resign(r, "{not json", now()); }},
      {"JSON array is 400", 400, [now](ClientRequest& r, const std::string&) { Resign(r, R"(["EVAAAA1234"])", now()); }},
      {"lowercase id is 400", 400,
       [now](ClientRequest& r, const std::string&) { Resign(r, R"({"id":"evabcd1234","event_type":"payment.paid"})", now()); }},
      {"id with slash is 400", 400,
       [now](ClientRequest& r, const std::string&) { Resign(r, R"({"id":"EVAB/../CD12","event_type":"payment.paid"})", now()); }},
      {"numeric id is 400", 400, [now](ClientRequest& r, const std::string&) { Resign(r, R"({"id":12345678})", now()); }},
      {"duplicate id is 400", 400,
       [now](ClientRequest& r, const std::string&) { Resign(r, R"({"id":"EVAAAA1111","id":"EVBBBB2222"})", now()); }},
      {"body over max_body_bytes is 413", 413,
       [now](ClientRequest& r, const std::string&) { Resign(r, R"({"id":"EVAAAA1111","pad":")" + std::string(70000, 'x') + "\"}", now()); }},
  };
}

TEST(IntakeAnswers, EachBadCallGetsItsAnswerAndLeavesNoTrace) {
  TempDir dir;
  TestDatabase database;
  Sandbox sandbox(dir);
  Daemon daemon(dir, DaemonOptions{database.url(), sandbox.url()});
  ASSERT_TRUE(daemon.Start()) << daemon.Output();
  const std::string event = sandbox.CreateEvents(1).front();
  const std::string id = JsonString(event, "id");

  for (const AnswerCase& answer_case : Cases()) {
    ClientRequest request = SignedRequest(event, NowSeconds());
    answer_case.alter(request, event);
    const ClientResponse response = daemon.Post(request);
    EXPECT_EQ(response.status, answer_case.status) << answer_case.name << ": " << response.body;
    EXPECT_EQ(response.body.find(kWebhookSecret), std::string::npos) << answer_case.name;
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  EXPECT_EQ(database.Scalar("SELECT count(*) FROM paypro_events"), "0");
  EXPECT_EQ(JsonInt(sandbox.Get("/_sandbox/stats").body, "event_fetches"), 0);

  // The untouched call is accepted, which shows the cases above failed for their own reason.
  EXPECT_EQ(daemon.Post(SignedRequest(event, NowSeconds())).status, 200u);
  EXPECT_EQ(database.Scalar("SELECT count(*) FROM paypro_events"), "1");
  EXPECT_EQ(daemon.Output().find(kWebhookSecret), std::string::npos);
  EXPECT_EQ(daemon.Output().find(kApiKey), std::string::npos);
}

}  // namespace
}  // namespace webhookd::testing
