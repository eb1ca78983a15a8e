// End to end: sandbox PayPro -> signed webhooks -> daemon -> PostgreSQL -> handlers.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <thread>

#include "core/url.hpp"
#include "paypro/signature.hpp"
#include "tests/support/harness.hpp"
#include "tests/support/test_database.hpp"

namespace webhookd::testing {
namespace {

constexpr auto kSettle = std::chrono::seconds(60);

class WebhookFlow : public ::testing::Test {
 protected:
  void SetUp() override {
    daemon_ = std::make_unique<Daemon>(dir_, DaemonOptions{database_.url(), sandbox_.url()});
    ASSERT_TRUE(daemon_->Start()) << daemon_->Output();
  }

  int CountInState(const std::string& state) {
    return std::stoi(database_.Scalar("SELECT count(*) FROM paypro_events WHERE state = '" + state + "'"));
  }


  TempDir dir_;
  TestDatabase database_;
  Sandbox sandbox_{dir_};
  std::unique_ptr<Daemon> daemon_;
};

TEST_F(WebhookFlow, ProcessesEveryDeliveredEventExactlyOnce) {
  constexpr int kEvents = 400;
  const ClientResponse triggered = sandbox_.Post(
      "/_sandbox/trigger",
      fmt::format(R"({{"count":{},"type":"mixed","to":"{}","concurrency":8}})", kEvents, daemon_->webhook_url()));
  ASSERT_EQ(triggered.status, 200u) << triggered.body;
  const ClientResponse deliveries = sandbox_.Get("/_sandbox/deliveries?wait_ms=60000");
  ASSERT_EQ(JsonInt(deliveries.body, "pending"), 0) << deliveries.body;
  ASSERT_EQ(JsonInt(deliveries.body, "acknowledged"), kEvents) << deliveries.body;

  const std::vector<std::string> acknowledged =
      JsonStrings(sandbox_.Get("/_sandbox/deliveries/acknowledged").body, "ids");
  ASSERT_EQ(acknowledged.size(), static_cast<size_t>(kEvents));
  ASSERT_TRUE(Eventually([&] { return CountInState("processed") == kEvents; }, kSettle))
      << "processed: " << CountInState("processed") << "\n" << daemon_->Output().substr(0, 4000);
  EXPECT_TRUE(daemon_->AwaitDispatched(acknowledged));
  for (const std::string& id : acknowledged) {
    EXPECT_EQ(database_.EventState(id), "processed") << id;
    EXPECT_EQ(daemon_->Dispatches(id), 1) << id;
  }
  EXPECT_EQ(database_.Scalar("SELECT count(*) FROM paypro_events"), std::to_string(kEvents));
  EXPECT_EQ(database_.Scalar("SELECT count(*) FROM paypro_events WHERE verified_body IS NULL"), "0");
}

// After a round that drained the queue the verifier lets events gather for
// verifier.linger_ms, so events arriving together share one claim and one
// recording transaction. Rows recorded in one transaction share its
// verified_at (now()); without the linger each webhook here would mostly
// start a round of its own.
TEST(VerifierLinger, EventsArrivingWithinTheLingerAreVerifiedTogether) {
  TempDir dir;
  TestDatabase database;
  Sandbox sandbox{dir};
  DaemonOptions options{database.url(), sandbox.url()};
  options.verifier_yaml = "verifier: { workers: 1, batch_size: 32, linger_ms: 1000, max_backoff_s: 2 }\n";
  Daemon daemon(dir, options);
  ASSERT_TRUE(daemon.Start()) << daemon.Output();
  constexpr int kEvents = 20;
  for (const std::string& event : sandbox.CreateEvents(kEvents)) ASSERT_EQ(daemon.PostSigned(event).status, 200u);
  const auto all_processed = [&] {
    return database.Scalar("SELECT count(*) FROM paypro_events WHERE state = 'processed'") == std::to_string(kEvents);
  };
  ASSERT_TRUE(Eventually(all_processed, kSettle)) << daemon.Output();
  // Sent well within one linger, they fall into one round or, when the
  // worker's claim came while they were arriving, two.
  EXPECT_LE(std::stoi(database.Scalar("SELECT count(DISTINCT verified_at) FROM paypro_events")), 2);
}

TEST_F(WebhookFlow, TamperedBodyIsRefusedWithoutAnyApiCall) {
  const std::string event = sandbox_.CreateEvents(1).front();
  const std::string id = JsonString(event, "id");
  const std::string stamp = std::to_string(NowSeconds());
  ClientRequest request;
  request.method = "POST";
  request.target = "/webhooks/paypro";
  request.headers.Add("PayPro-Timestamp", stamp);
  request.headers.Add("PayPro-Signature", ComputeWebhookSignature(Secret(kWebhookSecret), stamp, event));
  request.body = event;
  request.body.replace(request.body.find("\"amount\":") + 9, 1, "9");

  const ClientResponse response = daemon_->Post(request);
  EXPECT_EQ(response.status, 401u);
  EXPECT_EQ(response.body.find(kWebhookSecret), std::string::npos);
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  EXPECT_EQ(database_.Scalar("SELECT count(*) FROM paypro_events"), "0");
  EXPECT_EQ(sandbox_.Fetches(id), 0);
}

TEST_F(WebhookFlow, EventPayProDoesNotKnowIsRejectedAndNeverDispatched) {
  const std::string forged =
      R"({"id":"EVFORGED000000000001","type":"event","event_type":"payment.paid","created_at":"2024-01-01T00:00:00Z",)"
      R"("payload":{"id":"PPFORGED0001","type":"payment","amount":100000,"state":"paid"}})";
  ASSERT_EQ(daemon_->PostSigned(forged).status, 200u);
  ASSERT_TRUE(Eventually([&] { return database_.EventState("EVFORGED000000000001") == "rejected"; }, kSettle))
      << daemon_->Output();
  EXPECT_GE(sandbox_.Fetches("EVFORGED000000000001"), 1);
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  EXPECT_EQ(daemon_->Dispatches("EVFORGED000000000001"), 0);
  EXPECT_EQ(database_.EventState("EVFORGED000000000001"), "rejected");
}

TEST_F(WebhookFlow, SameEventPostedConcurrentlyIsStoredAndDispatchedOnce) {
  const std::string event = sandbox_.CreateEvents(1).front();
  const std::string id = JsonString(event, "id");
  constexpr int kCopies = 20;
  std::vector<unsigned> statuses(kCopies);
  std::vector<std::thread> senders;
  for (int i = 0; i < kCopies; ++i) {
    senders.emplace_back([&, i] {
      HttpClient client(*ParseUrl(daemon_->webhook_url().substr(0, daemon_->webhook_url().find("/webhooks"))));
      const std::string stamp = std::to_string(NowSeconds());
      ClientRequest request{"POST", "/webhooks/paypro", {}, event};
      request.headers.Add("PayPro-Timestamp", stamp);
      request.headers.Add("PayPro-Signature", ComputeWebhookSignature(Secret(kWebhookSecret), stamp, event));
      auto response = client.Send(request);
      statuses[i] = response ? response->status : 0;
    });
  }
  for (std::thread& sender : senders) sender.join();
  for (unsigned status : statuses) EXPECT_EQ(status, 200u);
  ASSERT_TRUE(Eventually([&] { return database_.EventState(id) == "processed"; }, kSettle)) << daemon_->Output();
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  EXPECT_EQ(database_.Scalar("SELECT count(*) FROM paypro_events WHERE event_id = '" + id + "'"), "1");
  EXPECT_EQ(daemon_->Dispatches(id), 1);
  EXPECT_EQ(sandbox_.Fetches(id), 1);
}

TEST_F(WebhookFlow, ApiFailuresAreRetriedUntilPayProRecovers) {
  ASSERT_EQ(sandbox_.Post("/_sandbox/faults", R"({"error_rate":1.0})").status, 200u);
  const ClientResponse triggered = sandbox_.Post(
      "/_sandbox/trigger", fmt::format(R"({{"count":30,"type":"mixed","to":"{}","concurrency":4}})", daemon_->webhook_url()));
  ASSERT_EQ(triggered.status, 200u);
  ASSERT_EQ(JsonInt(sandbox_.Get("/_sandbox/deliveries?wait_ms=30000").body, "acknowledged"), 30);
  ASSERT_TRUE(Eventually([&] {
    return database_.Scalar("SELECT count(*) FROM paypro_events WHERE state = 'received' AND attempts > 0") == "30";
  }, kSettle)) << daemon_->Output().substr(0, 3000);
  EXPECT_EQ(CountInState("processed"), 0);

  ASSERT_EQ(sandbox_.Post("/_sandbox/faults", R"({"error_rate":0.0})").status, 200u);
  ASSERT_TRUE(Eventually([&] { return CountInState("processed") == 30; }, kSettle)) << daemon_->Output().substr(0, 3000);
  const std::vector<std::string> acknowledged =
      JsonStrings(sandbox_.Get("/_sandbox/deliveries/acknowledged").body, "ids");
  EXPECT_TRUE(daemon_->AwaitDispatched(acknowledged));
  for (const std::string& id : acknowledged) {
    EXPECT_EQ(daemon_->Dispatches(id), 1) << id;
  }
}

}  // namespace
}  // namespace webhookd::testing
