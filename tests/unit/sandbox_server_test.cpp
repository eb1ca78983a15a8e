// Loopback tests of the real sandbox server: HTTP in, JSON out, timers, delivery.
#include "sandbox/sandbox_server.hpp"

#include <gtest/gtest.h>
#include <simdjson.h>

#include <atomic>
#include <boost/asio/io_context.hpp>
#include <thread>

#include "core/http_client.hpp"
#include "core/http_server.hpp"

namespace webhookd::sandbox {
namespace {

constexpr std::string_view kKey = "pp_loopback";

class SandboxServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    SandboxConfig config;
    config.listen = HostPort{"127.0.0.1", 0};
    config.api_key = Secret(std::string(kKey));
    config.webhook_secret = Secret("whsec");
    config.seed = 3;
    config.threads = 2;  // the threads below: sessions need strands
    server_.emplace(ioc_, config);
    ASSERT_TRUE(server_->Start().ok());
    for (int i = 0; i < 2; ++i) threads_.emplace_back([this] { ioc_.run(); });
    client_.emplace(ParseUrl("http://127.0.0.1:" + std::to_string(server_->port())).value());
  }

  void TearDown() override {
    client_.reset();
    if (server_) server_->Stop();
    ioc_.stop();
    for (std::thread& thread : threads_) thread.join();
  }

  ClientResponse Call(std::string method, std::string target, std::string body = {},
                      bool authorized = true) {
    ClientRequest request;
    request.method = std::move(method);
    request.target = std::move(target);
    request.body = std::move(body);
    if (authorized) request.headers.Add("Authorization", "Bearer " + std::string(kKey));
    auto response = client_->Send(request);
    EXPECT_TRUE(response.ok()) << (response.ok() ? "" : response.error().detail);
    return response.ok() ? *response : ClientResponse{};
  }

  boost::asio::io_context ioc_;
  std::optional<SandboxServer> server_;
  std::vector<std::thread> threads_;
  std::optional<HttpClient> client_;
  simdjson::dom::parser parser_;
};

TEST_F(SandboxServerTest, NeedsTheBearerKey) {
  const ClientResponse refused = Call("GET", "/events", {}, false);
  EXPECT_EQ(refused.status, 401u);
  EXPECT_NE(refused.body.find("\"error\""), std::string::npos);
  EXPECT_EQ(Call("GET", "/events").status, 200u);
}

TEST_F(SandboxServerTest, PagesThroughEventsByFollowingNextLinks) {
  const ClientResponse created =
      Call("POST", "/_sandbox/events", R"({"count":23,"type":"mixed"})", false);
  ASSERT_EQ(created.status, 200u) << created.body;
  simdjson::dom::element made = parser_.parse(simdjson::padded_string(created.body)).value();
  EXPECT_EQ(made["created"].get_int64().value(), 23);
  std::vector<std::string> created_ids;
  for (auto event : made["events"].get_array()) {
    created_ids.emplace_back(event["id"].get_string().value());
  }

  const std::string origin = "http://127.0.0.1:" + std::to_string(server_->port());
  std::string target = "/events?limit=10";
  std::vector<std::string> listed;
  for (int pages = 0; pages < 10; ++pages) {
    const ClientResponse page = Call("GET", target);
    ASSERT_EQ(page.status, 200u) << page.body;
    simdjson::dom::parser parser;
    simdjson::dom::element list = parser.parse(simdjson::padded_string(page.body)).value();
    EXPECT_EQ(std::string_view(list["type"].get_string().value()), "list");
    for (auto event : list["data"].get_array()) {
      listed.emplace_back(event["id"].get_string().value());
    }
    std::string_view next;
    if (list["_links"]["next"].get_string().get(next) != simdjson::SUCCESS) break;
    ASSERT_TRUE(next.starts_with(origin)) << next;
    target = std::string(next.substr(origin.size()));
  }
  ASSERT_EQ(listed.size(), 23u);
  for (size_t i = 0; i < listed.size(); ++i) EXPECT_EQ(listed[i], created_ids[22 - i]);

  EXPECT_EQ(Call("GET", "/events/" + listed[0]).status, 200u);
  const ClientResponse missing = Call("GET", "/events/EVNOSUCHEVENT0000000");
  EXPECT_EQ(missing.status, 404u);
  EXPECT_EQ(Call("GET", "/_sandbox/stats/fetches/" + listed[0]).body,
            "{\"id\":\"" + listed[0] + "\",\"fetches\":1}");
}

TEST_F(SandboxServerTest, ErrorRateOneAnswers500UntilCleared) {
  Call("POST", "/_sandbox/events", R"({"count":1})");
  ASSERT_EQ(Call("POST", "/_sandbox/faults", R"({"error_rate":1.0})").status, 200u);
  EXPECT_EQ(Call("GET", "/events").status, 500u);
  EXPECT_EQ(Call("GET", "/_sandbox/faults").status, 200u) << "faults never touch control routes";
  ASSERT_EQ(Call("POST", "/_sandbox/faults", R"({"error_rate":0})").status, 200u);
  EXPECT_EQ(Call("GET", "/events").status, 200u);
  const ClientResponse stats = Call("GET", "/_sandbox/stats");
  EXPECT_NE(stats.body.find("\"500\":1"), std::string::npos) << stats.body;
  EXPECT_EQ(Call("POST", "/_sandbox/reset-stats").status, 200u);
  EXPECT_NE(Call("GET", "/_sandbox/stats").body.find("\"api_requests\":0"), std::string::npos);
}

TEST_F(SandboxServerTest, LatencyDelaysTheAnswerWithoutBlocking) {
  ASSERT_EQ(Call("POST", "/_sandbox/faults", R"({"latency_ms":80})").status, 200u);
  const auto start = std::chrono::steady_clock::now();
  EXPECT_EQ(Call("GET", "/events").status, 200u);
  EXPECT_GE(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(75));
}

TEST_F(SandboxServerTest, TriggerDeliversSignedWebhooksAndWaitReportsThem) {
  std::atomic<int> received{0};
  HttpServerOptions options;
  options.listen = HostPort{"127.0.0.1", 0};
  HttpServer receiver(ioc_, options, [&](ServerRequest request, Responder respond) {
    if (!request.headers.Get("PayPro-Signature").empty()) ++received;
    respond(ServerResponse{});
  });
  ASSERT_TRUE(receiver.Start().ok());
  const std::string body =
      R"({"count":12,"type":"lifecycle","concurrency":3,"to":"http://127.0.0.1:)" +
      std::to_string(receiver.port()) + R"(/hook"})";
  const ClientResponse triggered = Call("POST", "/_sandbox/trigger", body);
  ASSERT_EQ(triggered.status, 200u) << triggered.body;
  EXPECT_NE(triggered.body.find("\"created\":12"), std::string::npos);
  const ClientResponse summary = Call("GET", "/_sandbox/deliveries?wait_ms=4000");
  EXPECT_NE(summary.body.find("\"pending\":0,\"acknowledged\":12"), std::string::npos)
      << summary.body;
  EXPECT_EQ(received.load(), 12);
  const ClientResponse acknowledged = Call("GET", "/_sandbox/deliveries/acknowledged");
  simdjson::dom::element ids = parser_.parse(simdjson::padded_string(acknowledged.body)).value();
  EXPECT_EQ(ids["ids"].get_array().size(), 12u);
  receiver.StopAccepting();
}

}  // namespace
}  // namespace webhookd::sandbox
