// Tests for the http handler kind: signing, outcomes, and calls to a loopback target.
#include "handlers/http_handler.hpp"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <cstdlib>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "core/crypto.hpp"
#include "core/http_server.hpp"
#include "tests/support/loopback_connections.hpp"

namespace webhookd {
namespace {

using testing::ConnectionCounter;
using std::chrono::milliseconds;
using std::chrono::seconds;
using Clock = std::chrono::steady_clock;
using Kind = HandlerOutcome::Kind;

constexpr std::string_view kEventJson =
    R"({"id":"EVYK7KCFJAXA23UKSG","type":"event","event_type":"payment.paid",)"
    R"("created_at":"2023-06-30T12:44:36Z","payload":{"id":"PPH25H07JYWLR7PA82","type":"payment"}})";

ClientResponse Response(unsigned status, std::string body = {}) {
  ClientResponse response;
  response.status = status;
  response.body = std::move(body);
  return response;
}

// What the target does with one request: answer, or (nullopt) never answer.
using TargetBehaviour = std::function<std::optional<ServerResponse>(const ServerRequest&)>;

ServerResponse Answer(unsigned status) {
  ServerResponse response;
  response.status = status;
  return response;
}

class HttpPostHandlerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Result<Event> event = DecodeEvent(kEventJson);
    ASSERT_TRUE(event.ok()) << event.error().detail;
    event_ = std::move(event).value();
    fields_.emplace(std::move(EventFields::Parse(kEventJson)).value());
  }

  void StartTarget(TargetBehaviour behaviour) {
    HttpServerOptions options;
    options.listen = HostPort{"127.0.0.1", 0};
    server_ = std::make_unique<HttpServer>(
        ioc_, options, [this, behaviour](ServerRequest request, Responder respond) {
          std::optional<ServerResponse> response = behaviour(request);
          std::lock_guard lock(mutex_);
          requests_.push_back(std::move(request));
          if (response) {
            respond(std::move(*response));
          } else {
            parked_.push_back(std::move(respond));
          }
        });
    const auto started = server_->Start();
    ASSERT_TRUE(started.ok()) << started.error().detail;
    connections_.emplace(server_->port());
    io_thread_ = std::thread([this] { ioc_.run(); });
  }

  void TearDown() override {
    if (server_) server_->StopAccepting();
    guard_.reset();
    ioc_.stop();
    if (io_thread_.joinable()) io_thread_.join();
    // Parked responders keep their sessions alive: drop them before the io_context goes.
    parked_.clear();
    server_.reset();
  }

  HttpHandlerSpec Spec(std::string secret = "raw-secret",
                       milliseconds timeout = milliseconds(5000)) const {
    HttpHandlerSpec spec;
    spec.url = *ParseUrl("http://127.0.0.1:" + std::to_string(server_->port()) + "/paypro");
    spec.secret = Secret(std::move(secret));
    spec.timeout = timeout;
    return spec;
  }

  HandlerOutcome Call(Handler& handler) {
    return handler.Handle(HandlerCall{event_, *fields_, nullptr});
  }

  std::vector<ServerRequest> Requests() {
    std::lock_guard lock(mutex_);
    return requests_;
  }

  Event event_;
  std::optional<EventFields> fields_;
  boost::asio::io_context ioc_;
  std::optional<boost::asio::executor_work_guard<boost::asio::io_context::executor_type>> guard_{
      boost::asio::make_work_guard(ioc_)};
  std::unique_ptr<HttpServer> server_;
  std::optional<ConnectionCounter> connections_;  ///< since the server was bound
  std::thread io_thread_;
  std::mutex mutex_;
  std::vector<ServerRequest> requests_;
  std::vector<Responder> parked_;
};

// The receiver's side of Standard Webhooks, written out again from the spec.
std::string ExpectedSignature(std::string_view key, const ServerRequest& request) {
  const std::string content = std::string(request.headers.Get("webhook-id")) + "." +
                              std::string(request.headers.Get("webhook-timestamp")) + "." +
                              request.body;
  return "v1," + Base64Encode(HmacSha256(key, content));
}

TEST(SignStandardWebhook, ReproducesThePublishedTestVector) {
  // The Standard Webhooks / Svix reference libraries' test vector.
  const Result<Secret> key = SigningKey(Secret("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"));
  ASSERT_TRUE(key.ok()) << key.error().detail;
  EXPECT_EQ(SignStandardWebhook(*key, "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330,
                                R"({"test": 2432232314})"),
            "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
}

TEST(SigningKey, UsesPlainSecretsAsTheyAre) {
  const Result<Secret> key = SigningKey(Secret("plain-text-key"));
  ASSERT_TRUE(key.ok());
  EXPECT_EQ(key->Reveal(), "plain-text-key");
}

TEST(SigningKey, DecodesWhsecSecrets) {
  const std::string raw("\x01\x00\xffkey", 6);
  const Result<Secret> key = SigningKey(Secret("whsec_" + Base64Encode(raw)));
  ASSERT_TRUE(key.ok());
  EXPECT_EQ(key->Reveal(), raw);
}

TEST(SigningKey, RejectsBadBase64AndEmptySecrets) {
  for (const std::string secret : {"whsec_c2VjcmV0*", "whsec_", ""}) {
    const Result<Secret> key = SigningKey(Secret(secret));
    ASSERT_FALSE(key.ok()) << secret;
    EXPECT_EQ(key.error().code, ErrorCode::kConfig);
  }
}

TEST(SigningKey, NeverQuotesTheSecret) {
  const Result<Secret> key = SigningKey(Secret("whsec_c2VjcmV0LWtleQ=x"));
  ASSERT_FALSE(key.ok());
  EXPECT_EQ(key.error().detail.find("c2VjcmV0"), std::string::npos) << key.error().detail;
  EXPECT_EQ(key.error().reason.find("c2VjcmV0"), std::string::npos) << key.error().reason;
}

TEST(OutcomeOfResponse, MapsStatusesToOutcomes) {
  EXPECT_EQ(OutcomeOfResponse("POST x", Response(200)).kind, Kind::kDone);
  EXPECT_EQ(OutcomeOfResponse("POST x", Response(204)).kind, Kind::kDone);
  EXPECT_EQ(OutcomeOfResponse("POST x", Response(299)).kind, Kind::kDone);
  EXPECT_EQ(OutcomeOfResponse("POST x", Response(410)).kind, Kind::kDisable);
  for (unsigned status : {100u, 301u, 304u, 400u, 401u, 404u, 409u, 429u, 500u, 502u, 503u}) {
    const HandlerOutcome outcome = OutcomeOfResponse("POST x", Response(status));
    EXPECT_EQ(outcome.kind, Kind::kRetry) << status;
    EXPECT_NE(outcome.error.find("POST x answered " + std::to_string(status)), std::string::npos)
        << outcome.error;
  }
}

TEST(OutcomeOfResponse, HonoursRetryAfterOnlyFor429And5xx) {
  for (unsigned status : {429u, 500u, 503u, 400u, 404u}) {
    ClientResponse response = Response(status);
    response.headers.Add("Retry-After", "30");
    const bool honoured = status == 429 || status >= 500;
    EXPECT_EQ(OutcomeOfResponse("POST x", response).retry_after,
              honoured ? std::optional<seconds>(30) : std::nullopt)
        << status;
  }
}

TEST(OutcomeOfResponse, QuotesTheStartOfTheBodyOnOneLine) {
  const HandlerOutcome outcome =
      OutcomeOfResponse("POST x", Response(422, "unknown order\n" + std::string(500, 'x')));
  EXPECT_NE(outcome.error.find("POST x answered 422: unknown order x"), std::string::npos)
      << outcome.error;
  EXPECT_EQ(outcome.error.find('\n'), std::string::npos);
  EXPECT_LT(outcome.error.size(), 300u);
}

TEST(OutcomeOfResponse, SaysRedirectsAreNotFollowed) {
  EXPECT_NE(OutcomeOfResponse("POST x", Response(302)).error.find("redirects are not followed"),
            std::string::npos);
}

TEST(HttpPostHandler, RejectsAnInvalidWhsecSecretAtConstruction) {
  HttpHandlerSpec spec;
  spec.url = *ParseUrl("http://127.0.0.1:9/");
  spec.secret = Secret("whsec_%%%");
  EXPECT_THROW(HttpPostHandler(HandlerSettings{"h", {}, {}}, spec), std::invalid_argument);
}

TEST_F(HttpPostHandlerTest, PostsTheSignedEventAndIsDoneOn200) {
  StartTarget([](const ServerRequest&) { return Answer(200); });
  HttpPostHandler handler(HandlerSettings{"shop", {}, {}}, Spec("raw-secret"));
  EXPECT_EQ(handler.phase(), HandlerPhase::kOutside);
  const auto now =
      std::chrono::duration_cast<seconds>(std::chrono::system_clock::now().time_since_epoch())
          .count();
  const HandlerOutcome outcome = Call(handler);
  EXPECT_EQ(outcome.kind, Kind::kDone) << outcome.error;
  const std::vector<ServerRequest> requests = Requests();
  ASSERT_EQ(requests.size(), 1u);
  const ServerRequest& request = requests[0];
  EXPECT_EQ(request.method, "POST");
  EXPECT_EQ(request.target, "/paypro");
  EXPECT_EQ(request.body, kEventJson);
  EXPECT_EQ(request.headers.Get("Content-Type"), "application/json");
  EXPECT_EQ(request.headers.Get("webhook-id"), "EVYK7KCFJAXA23UKSG");
  const long timestamp = std::stol(std::string(request.headers.Get("webhook-timestamp")));
  EXPECT_LE(std::abs(timestamp - now), 5);
  EXPECT_EQ(request.headers.Get("webhook-signature"), ExpectedSignature("raw-secret", request));
  EXPECT_EQ(request.headers.Count("webhook-signature"), 1u);
}

TEST_F(HttpPostHandlerTest, SignsWithTheDecodedKeyOfAWhsecSecret) {
  StartTarget([](const ServerRequest&) { return Answer(204); });
  const std::string key("\x10\x20\x30\x00\xf0-key", 8);
  HttpPostHandler handler(HandlerSettings{"shop", {}, {}}, Spec("whsec_" + Base64Encode(key)));
  EXPECT_EQ(Call(handler).kind, Kind::kDone);
  const std::vector<ServerRequest> requests = Requests();
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_EQ(requests[0].headers.Get("webhook-signature"), ExpectedSignature(key, requests[0]));
  EXPECT_NE(requests[0].headers.Get("webhook-signature"),
            ExpectedSignature("whsec_" + Base64Encode(key), requests[0]));
}

TEST_F(HttpPostHandlerTest, RetriesAfterWhatRetryAfterSaysOn503) {
  StartTarget([](const ServerRequest&) {
    ServerResponse response = Answer(503);
    response.headers.Add("Retry-After", "7");
    return response;
  });
  HttpPostHandler handler(HandlerSettings{"shop", {}, {}}, Spec());
  const HandlerOutcome outcome = Call(handler);
  EXPECT_EQ(outcome.kind, Kind::kRetry);
  EXPECT_EQ(outcome.retry_after, seconds(7));
  EXPECT_NE(outcome.error.find("POST http://127.0.0.1:" + std::to_string(server_->port()) +
                               "/paypro answered 503"),
            std::string::npos)
      << outcome.error;
}

TEST_F(HttpPostHandlerTest, DisablesOn410) {
  StartTarget([](const ServerRequest&) { return Answer(410); });
  HttpPostHandler handler(HandlerSettings{"shop", {}, {}}, Spec());
  const HandlerOutcome outcome = Call(handler);
  EXPECT_EQ(outcome.kind, Kind::kDisable);
  EXPECT_NE(outcome.error.find("410 Gone"), std::string::npos) << outcome.error;
}

TEST_F(HttpPostHandlerTest, RetriesOn400NamingTheStatus) {
  StartTarget([](const ServerRequest&) { return Answer(400); });
  HttpPostHandler handler(HandlerSettings{"shop", {}, {}}, Spec("raw-secret"));
  const HandlerOutcome outcome = Call(handler);
  EXPECT_EQ(outcome.kind, Kind::kRetry);
  EXPECT_NE(outcome.error.find("answered 400"), std::string::npos) << outcome.error;
  EXPECT_EQ(outcome.error.find("raw-secret"), std::string::npos);
  EXPECT_EQ(outcome.retry_after, std::nullopt);
}

TEST_F(HttpPostHandlerTest, RetriesWhenTheTargetNeverAnswers) {
  StartTarget([](const ServerRequest&) { return std::nullopt; });
  HttpPostHandler handler(HandlerSettings{"shop", {}, {}}, Spec("raw-secret", milliseconds(300)));
  const auto started = Clock::now();
  const HandlerOutcome outcome = Call(handler);
  const auto took = Clock::now() - started;
  EXPECT_EQ(outcome.kind, Kind::kRetry);
  EXPECT_NE(outcome.error.find("timed out after 300 ms"), std::string::npos) << outcome.error;
  EXPECT_GE(took, milliseconds(250));
  EXPECT_LT(took, milliseconds(3000));
}

TEST_F(HttpPostHandlerTest, RetriesWhenTheConnectionIsRefused) {
  // A bound socket that does not listen: connecting to it is refused, and
  // no other test can take the port meanwhile.
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(::bind(fd, reinterpret_cast<const sockaddr*>(&address), sizeof(address)), 0);
  socklen_t length = sizeof(address);
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length);
  HttpHandlerSpec spec;
  spec.url = *ParseUrl("http://127.0.0.1:" + std::to_string(ntohs(address.sin_port)) + "/paypro");
  spec.secret = Secret("raw-secret");
  HttpPostHandler handler(HandlerSettings{"shop", {}, {}}, spec);
  const HandlerOutcome outcome = Call(handler);
  ::close(fd);
  EXPECT_EQ(outcome.kind, Kind::kRetry);
  EXPECT_NE(outcome.error.find("/paypro failed: "), std::string::npos) << outcome.error;
  EXPECT_EQ(outcome.retry_after, std::nullopt);
}

TEST_F(HttpPostHandlerTest, ReusesOneKeepAliveConnectionForSuccessiveCalls) {
  StartTarget([](const ServerRequest&) { return Answer(200); });
  HttpPostHandler handler(HandlerSettings{"shop", {}, {}}, Spec());
  for (int i = 0; i < 5; ++i) EXPECT_EQ(Call(handler).kind, Kind::kDone);
  EXPECT_EQ(Requests().size(), 5u);
  // Both ends of one connection; a connection per call would leave more,
  // closed ones lingering in TIME_WAIT.
  EXPECT_EQ(connections_->Count(), 2);
  EXPECT_EQ(handler.idle_clients(), 1u);
}

TEST_F(HttpPostHandlerTest, ServesConcurrentCallersFromEightThreads) {
  StartTarget([](const ServerRequest&) { return Answer(200); });
  HttpPostHandler handler(HandlerSettings{"shop", {}, {}}, Spec());
  constexpr int kThreads = 8;
  constexpr int kCallsEach = 10;
  std::atomic<int> done{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < kCallsEach; ++i) done += Call(handler).kind == Kind::kDone ? 1 : 0;
    });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_EQ(done.load(), kThreads * kCallsEach);
  const std::vector<ServerRequest> requests = Requests();
  ASSERT_EQ(requests.size(), static_cast<size_t>(kThreads * kCallsEach));
  for (const ServerRequest& request : requests) {
    EXPECT_EQ(request.headers.Get("webhook-signature"), ExpectedSignature("raw-secret", request));
  }
  EXPECT_GE(handler.idle_clients(), 1u);
  EXPECT_LE(handler.idle_clients(), static_cast<size_t>(kThreads));
}

}  // namespace
}  // namespace webhookd
