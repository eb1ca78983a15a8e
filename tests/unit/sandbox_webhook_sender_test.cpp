// Tests for webhook delivery: request signing, retry delays, and delivery to
// a loopback receiver with retries, drops and duplicates.
#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <map>
#include <mutex>
#include <thread>

#include "core/crypto.hpp"
#include "core/http_server.hpp"
#include "paypro/signature.hpp"
#include "sandbox/webhook_sender.hpp"

namespace webhookd::sandbox {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

TEST(SandboxWebhookSender, SignsLikeOpensslHmacSha256) {
  // printf '%s' '1702292162.{"id":"EVYK7KCFJAXA23UKSG","type":"event"}' |
  //   openssl dgst -sha256 -hmac whsec_test
  const std::string body = R"({"id":"EVYK7KCFJAXA23UKSG","type":"event"})";
  const ClientRequest request =
      BuildWebhookRequest("/hook", body, Secret("whsec_test"), 1702292162);
  EXPECT_EQ(request.method, "POST");
  EXPECT_EQ(request.target, "/hook");
  EXPECT_EQ(request.body, body);
  EXPECT_EQ(request.headers.Get("PayPro-Timestamp"), "1702292162");
  EXPECT_EQ(request.headers.Get("PayPro-Signature"),
            "25a98d98c6ef47100d9ba1d6abb1bd65f509eb7c21964275f9da04626793cab3");
  EXPECT_EQ(request.headers.Get("Content-Type"), "application/json");
}

TEST(SandboxWebhookSender, RetryDelayDoublesFrom100MsUpTo5s) {
  EXPECT_EQ(RetryDelay(1, std::nullopt), milliseconds(100));
  EXPECT_EQ(RetryDelay(2, std::nullopt), milliseconds(200));
  EXPECT_EQ(RetryDelay(3, std::nullopt), milliseconds(400));
  EXPECT_EQ(RetryDelay(6, std::nullopt), milliseconds(3200));
  EXPECT_EQ(RetryDelay(7, std::nullopt), milliseconds(5000));
  EXPECT_EQ(RetryDelay(40, std::nullopt), milliseconds(5000));
}

TEST(SandboxWebhookSender, RetryDelayHonoursRetryAfterUpTo5s) {
  EXPECT_EQ(RetryDelay(1, seconds(2)), milliseconds(2000));
  EXPECT_EQ(RetryDelay(1, seconds(0)), milliseconds(0));
  EXPECT_EQ(RetryDelay(1, seconds(120)), milliseconds(5000));
}

// A webhook receiver on loopback that refuses each event's first call.
class Receiver {
 public:
  Receiver() {
    HttpServerOptions options;
    options.listen = HostPort{"127.0.0.1", 0};
    server_.emplace(ioc_, options,
                    [this](ServerRequest request, Responder respond) { respond(Answer(request)); });
    EXPECT_TRUE(server_->Start().ok());
    thread_ = std::thread([this] { ioc_.run(); });
  }
  ~Receiver() {
    ioc_.stop();
    thread_.join();
  }

  Url url() const {
    return ParseUrl("http://127.0.0.1:" + std::to_string(server_->port()) + "/webhooks").value();
  }
  std::map<std::string, int> calls() {
    std::lock_guard lock(mutex_);
    return calls_;
  }
  int bad_signatures() {
    std::lock_guard lock(mutex_);
    return bad_signatures_;
  }

 private:
  ServerResponse Answer(const ServerRequest& request) {
    const std::string id = request.body.substr(7, 20);  // {"id":"EV...
    const std::string_view stamp = request.headers.Get("PayPro-Timestamp");
    const std::string expected =
        ToHex(HmacSha256("secret", std::string(stamp) + "." + request.body));
    std::lock_guard lock(mutex_);
    if (request.target != "/webhooks" || request.headers.Get("PayPro-Signature") != expected) {
      ++bad_signatures_;
    }
    ServerResponse response;
    response.status = calls_[id]++ == 0 ? 503 : 200;
    return response;
  }

  boost::asio::io_context ioc_;
  std::optional<HttpServer> server_;
  std::thread thread_;
  std::mutex mutex_;
  std::map<std::string, int> calls_;
  int bad_signatures_ = 0;
};

bool WaitIdle(const DeliveryLedger& ledger) {
  for (int i = 0; i < 300 && ledger.pending() > 0; ++i) {
    std::this_thread::sleep_for(milliseconds(10));
  }
  return ledger.pending() == 0;
}

TEST(SandboxWebhookSender, DeliversRetriesDropsAndDuplicates) {
  Receiver receiver;
  EventStore store(5, [] { return int64_t{1702292162}; });
  DeliveryLedger ledger;
  WebhookSender sender(ledger);
  DeliveryBatch batch;
  batch.to = receiver.url();
  batch.secret = Secret("secret");
  batch.escaped_base = "http://sandbox";
  batch.concurrency = 3;
  batch.events = store.Create(ParseEventMix("payment.paid").value(), 6);
  batch.fates = {DeliveryFate::kDeliver, DeliveryFate::kDrop,    DeliveryFate::kDuplicate,
                 DeliveryFate::kDeliver, DeliveryFate::kDeliver, DeliveryFate::kDeliver};
  sender.Start(batch);
  ASSERT_TRUE(WaitIdle(ledger));

  const DeliverySummary summary = ledger.Summary();
  EXPECT_EQ(summary.acknowledged, 5u);
  EXPECT_EQ(summary.dropped, 1u);
  EXPECT_EQ(summary.failed, 0u);
  EXPECT_EQ(summary.duplicates_sent, 1u);
  // Five events refused once then accepted, plus the duplicate accepted at once.
  EXPECT_EQ(summary.attempts, 11u);
  EXPECT_EQ(summary.answers.at(503), 5u);
  EXPECT_EQ(summary.answers.at(200), 6u);
  EXPECT_EQ(receiver.bad_signatures(), 0);
  const auto calls = receiver.calls();
  EXPECT_FALSE(calls.contains(batch.events[1]->id));
  EXPECT_EQ(calls.at(batch.events[2]->id), 3);
  EXPECT_EQ(ledger.Ids(DeliveryOutcome::kDropped), std::vector<std::string>{batch.events[1]->id});
  EXPECT_EQ(ledger.Ids(DeliveryOutcome::kAcknowledged).size(), 5u);
}

TEST(SandboxWebhookSender, GivesUpAfterMaxAttempts) {
  DeliveryLedger ledger;
  WebhookSender sender(ledger);
  EventStore store(6);
  DeliveryBatch batch;
  batch.to = ParseUrl("http://127.0.0.1:1/nobody-listens").value();
  batch.secret = Secret("secret");
  batch.max_attempts = 2;
  batch.events = store.Create(ParseEventMix("payment.paid").value(), 2);
  batch.fates = {DeliveryFate::kDeliver, DeliveryFate::kDeliver};
  sender.Start(batch);
  ASSERT_TRUE(WaitIdle(ledger));
  const DeliverySummary summary = ledger.Summary();
  EXPECT_EQ(summary.failed, 2u);
  EXPECT_EQ(summary.attempts, 4u);
  EXPECT_EQ(summary.answers.at(0), 4u);
  EXPECT_EQ(ledger.Ids(DeliveryOutcome::kFailed).size(), 2u);
}

}  // namespace
}  // namespace webhookd::sandbox
