// End to end behind a real nginx running the shipped site file: HTTPS, body limit, allow_from.
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <stdexcept>
#include <thread>

#include "config/config.hpp"
#include "core/url.hpp"
#include "paypro/signature.hpp"
#include "tests/support/harness.hpp"
#include "tests/support/nginx.hpp"
#include "tests/support/test_database.hpp"

namespace webhookd::testing {
namespace {

constexpr const char* kCurl = "/usr/bin/curl";
constexpr auto kSettle = std::chrono::seconds(60);

size_t Occurrences(const std::string& text, const std::string& needle) {
  size_t count = 0;
  for (size_t at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) {
    ++count;
  }
  return count;
}

class BehindNginx : public ::testing::Test {
 protected:
  void SetUp() override {
    if (::access(kNginxBinary, X_OK) != 0) {
      GTEST_SKIP() << kNginxBinary << " is missing: scripts/setup installs nginx-light";
    }
    certificate_ = MakeCertificate(dir_);
    sandbox_ = std::make_unique<Sandbox>(
        dir_, std::vector<std::string>{"--webhook-ca-file", certificate_.cert_file});
    daemon_ = std::make_unique<Daemon>(dir_, DaemonOptions{database_.url(), sandbox_->url()});
    harness_yaml_ = ReadFile(daemon_->config_path());
    SetServerKeys("  trusted_proxies: [127.0.0.1/32]\n");
    ASSERT_TRUE(daemon_->Start()) << daemon_->Output();
    const uint16_t daemon_port =
        static_cast<uint16_t>(std::stoi(ParseUrl(daemon_->webhook_url())->port));
    upstream_ = fmt::format("127.0.0.1:{}", daemon_port);
    nginx_ = std::make_unique<Nginx>(
        dir_, std::string(WEBHOOKD_SOURCE_DIR) + "/systemd/nginx/paypro-webhookd.conf",
        certificate_, daemon_port);
  }

  // The harness writes `server:` first; `lines` join it.
  void SetServerKeys(const std::string& lines) {
    std::string yaml = harness_yaml_;
    ReplaceOnce(yaml, "server:\n", "server:\n" + lines);
    WriteFile(daemon_->config_path(), yaml);
  }

  // Rewrites the server keys, sends SIGHUP and waits for the reload to be done.
  void ReloadWithServerKeys(const std::string& lines) {
    const std::string marker = "configuration reloaded from";
    const size_t reloads = Occurrences(daemon_->Output(), marker);
    SetServerKeys(lines);
    daemon_->process().Signal(SIGHUP);
    ASSERT_TRUE(Eventually([&] { return Occurrences(daemon_->Output(), marker) > reloads; },
                           std::chrono::seconds(10)))
        << daemon_->Output();
  }

  // A signed POST of `body` through nginx, from 127.0.0.1.
  ClientResponse PostThroughNginx(const std::string& body, const std::string& forwarded_for = "") {
    const std::string stamp = std::to_string(NowSeconds());
    ClientRequest request{"POST", "/webhooks/paypro", {}, body};
    request.headers.Add("PayPro-Timestamp", stamp);
    request.headers.Add("PayPro-Signature",
                        ComputeWebhookSignature(Secret(kWebhookSecret), stamp, body));
    if (!forwarded_for.empty()) request.headers.Add("X-Forwarded-For", forwarded_for);
    HttpClient client(*ParseUrl(nginx_->url()), nginx_->Options());
    auto response = client.Send(request);
    if (!response) {
      throw std::runtime_error("request through nginx failed: " + response.error().detail);
    }
    return *response;
  }

  int StoredEvents() { return std::stoi(database_.Scalar("SELECT count(*) FROM paypro_events")); }

  TempDir dir_;
  TestDatabase database_;
  Certificate certificate_;
  std::unique_ptr<Sandbox> sandbox_;
  std::unique_ptr<Daemon> daemon_;
  std::string harness_yaml_;
  std::string upstream_;  ///< the daemon's address as nginx's access log names it
  std::unique_ptr<Nginx> nginx_;
};

TEST_F(BehindNginx, DeliversEveryWebhookOverHttpsExactlyOnceWithoutThrottling) {
  constexpr int kEvents = 300;
  const ClientResponse triggered = sandbox_->Post(
      "/_sandbox/trigger", fmt::format(R"({{"count":{},"type":"mixed","to":"{}","concurrency":8}})",
                                       kEvents, nginx_->webhook_url()));
  ASSERT_EQ(triggered.status, 200u) << triggered.body;
  const ClientResponse deliveries = sandbox_->Get("/_sandbox/deliveries?wait_ms=60000");
  ASSERT_EQ(JsonInt(deliveries.body, "pending"), 0) << deliveries.body;
  ASSERT_EQ(JsonInt(deliveries.body, "acknowledged"), kEvents)
      << deliveries.body << nginx_->Output();
  // One attempt each: nothing was throttled (429) or turned away (503) on the way.
  EXPECT_EQ(JsonInt(deliveries.body, "attempts"), kEvents) << deliveries.body;
  EXPECT_TRUE(nginx_->Logged("200 " + upstream_ + " /webhooks/paypro", kEvents))
      << nginx_->AccessLog();
  EXPECT_EQ(CountLines(nginx_->AccessLog(), "429 "), 0u);

  ASSERT_TRUE(Eventually(
      [&] {
        return database_.Scalar("SELECT count(*) FROM paypro_events WHERE state = 'processed'") ==
               "300";
      },
      kSettle))
      << daemon_->Output().substr(0, 4000);
  EXPECT_EQ(StoredEvents(), kEvents);
  EXPECT_NE(daemon_->Output().find(
                "webhook clients: X-Forwarded-For believed from 127.0.0.1/32; allowed: everyone"),
            std::string::npos);
  const std::vector<std::string> acknowledged =
      JsonStrings(sandbox_->Get("/_sandbox/deliveries/acknowledged").body, "ids");
  EXPECT_TRUE(daemon_->AwaitDispatched(acknowledged));
  for (const std::string& id : acknowledged) {
    EXPECT_EQ(daemon_->Dispatches(id), 1) << id;
  }
}

TEST_F(BehindNginx, BodyOverTheLimitGets413FromNginxAndOneAtTheLimitReachesTheDaemon) {
  // The site file's client_max_body_size is the daemon's default max_body_bytes.
  ASSERT_EQ(ServerConfig{}.max_body_bytes, 65536u);
  HttpClient client(*ParseUrl(nginx_->url()), nginx_->Options());
  ClientRequest over{"POST", "/webhooks/paypro?probe=over", {}, std::string(65537, 'x')};
  over.headers.Add("PayPro-Timestamp", std::to_string(NowSeconds()));
  over.headers.Add("PayPro-Signature", std::string(64, '0'));
  ClientRequest at_limit = over;
  at_limit.target = "/webhooks/paypro?probe=at-limit";
  at_limit.body.pop_back();

  auto refused = client.Send(over);
  ASSERT_TRUE(refused.ok()) << refused.error().detail;
  EXPECT_EQ(refused->status, 413u);
  EXPECT_EQ(refused->body, R"({"error":"body too large"})");
  HttpClient second(*ParseUrl(nginx_->url()), nginx_->Options());
  auto passed = second.Send(at_limit);
  ASSERT_TRUE(passed.ok()) << passed.error().detail;
  EXPECT_EQ(passed->status, 401u) << passed->body;  // the daemon's answer to a bad signature

  EXPECT_TRUE(nginx_->Logged("413 - /webhooks/paypro?probe=over", 1)) << nginx_->AccessLog();
  EXPECT_TRUE(nginx_->Logged("401 " + upstream_ + " /webhooks/paypro?probe=at-limit", 1))
      << nginx_->AccessLog();
  EXPECT_EQ(StoredEvents(), 0);
}

TEST_F(BehindNginx, ClientOutsideAllowFromGets403AndNothingIsStored) {
  ASSERT_NO_FATAL_FAILURE(
      ReloadWithServerKeys("  trusted_proxies: [127.0.0.1/32]\n  allow_from: [192.0.2.0/24]\n"));
  ASSERT_EQ(sandbox_->Post("/_sandbox/faults", R"({"max_delivery_attempts":1})").status, 200u);
  const ClientResponse triggered = sandbox_->Post(
      "/_sandbox/trigger",
      fmt::format(R"({{"count":5,"type":"mixed","to":"{}"}})", nginx_->webhook_url()));
  ASSERT_EQ(triggered.status, 200u) << triggered.body;
  const ClientResponse deliveries = sandbox_->Get("/_sandbox/deliveries?wait_ms=30000");
  ASSERT_EQ(JsonInt(deliveries.body, "failed"), 5) << deliveries.body;
  EXPECT_NE(deliveries.body.find(R"("403":5)"), std::string::npos) << deliveries.body;

  // Answered by the daemon (nginx names the upstream), which logs the client.
  EXPECT_TRUE(nginx_->Logged("403 " + upstream_ + " /webhooks/paypro", 5)) << nginx_->AccessLog();
  EXPECT_NE(daemon_->Output().find("webhook from 127.0.0.1: 403"), std::string::npos)
      << daemon_->Output();
  const std::string event = sandbox_->CreateEvents(1).front();
  const ClientResponse direct = PostThroughNginx(event);
  EXPECT_EQ(direct.status, 403u);
  EXPECT_EQ(direct.body, R"({"error":"forbidden"})");

  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  EXPECT_EQ(StoredEvents(), 0);
  for (const std::string& id :
       JsonStrings(sandbox_->Get("/_sandbox/deliveries/failed").body, "ids")) {
    EXPECT_EQ(sandbox_->Fetches(id), 0) << id;
  }
  EXPECT_EQ(sandbox_->Fetches(JsonString(event, "id")), 0);
}

// X-Forwarded-For counts only from the right, past trusted hops: a client
// that names an allowed address itself gets nowhere, while the same header
// relayed by a trusted hop is believed.
TEST_F(BehindNginx, ForwardedForIsBelievedOnlyFromTrustedHops) {
  ASSERT_EQ(::access(kCurl, X_OK), 0) << kCurl << " is missing: scripts/setup installs curl";
  ASSERT_NO_FATAL_FAILURE(
      ReloadWithServerKeys("  trusted_proxies: [127.0.0.1/32]\n  allow_from: [192.0.2.0/24]\n"));
  const std::vector<std::string> events = sandbox_->CreateEvents(2);
  const std::string spoofed_body = dir_.File("spoofed.json");
  WriteFile(spoofed_body, events[0]);
  const std::string stamp = std::to_string(NowSeconds());
  // From 127.0.0.2, which no one trusts: nginx appends it after the forgery.
  const std::string answer = RunOrThrow(
      dir_,
      {kCurl,
       "--silent",
       "--show-error",
       "--interface",
       "127.0.0.2",
       "--cacert",
       nginx_->ca_file(),
       "--output",
       "/dev/null",
       "--write-out",
       "status=%{http_code}",
       "-H",
       "Content-Type: application/json",
       "-H",
       "PayPro-Timestamp: " + stamp,
       "-H",
       "PayPro-Signature: " + ComputeWebhookSignature(Secret(kWebhookSecret), stamp, events[0]),
       "-H",
       "X-Forwarded-For: 192.0.2.10",
       "--data-binary",
       "@" + spoofed_body,
       nginx_->webhook_url()},
      "curl");
  EXPECT_NE(answer.find("status=403"), std::string::npos) << answer;
  EXPECT_NE(daemon_->Output().find("webhook from 127.0.0.2 via 127.0.0.1: 403"), std::string::npos)
      << daemon_->Output();

  // From 127.0.0.1, a trusted hop: its word for 192.0.2.10 is taken.
  EXPECT_EQ(PostThroughNginx(events[1], "192.0.2.10").status, 200u);
  ASSERT_TRUE(Eventually([&] { return StoredEvents() == 1; }, kSettle));
  EXPECT_EQ(database_.Scalar("SELECT event_id FROM paypro_events"), JsonString(events[1], "id"));
}

}  // namespace
}  // namespace webhookd::testing
