// Tests for HttpClient and HttpServer together, over loopback.
#include "core/http_client.hpp"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

#include <atomic>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "core/http_server.hpp"
#include "tests/support/loopback_connections.hpp"

namespace webhookd {
namespace {

using testing::ConnectionCounter;
using std::chrono::milliseconds;
using Clock = std::chrono::steady_clock;

// A blocking POSIX socket, so a test controls every byte the server sees.
class RawConnection {
 public:
  explicit RawConnection(uint16_t port) : fd_(::socket(AF_INET, SOCK_STREAM, 0)) {
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(port);
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    connected_ = ::connect(fd_, reinterpret_cast<const sockaddr*>(&address), sizeof(address)) == 0;
    timeval timeout{2, 0};
    ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof(timeout));
  }
  ~RawConnection() { ::close(fd_); }
  RawConnection(const RawConnection&) = delete;
  RawConnection& operator=(const RawConnection&) = delete;

  bool connected() const { return connected_; }

  bool Send(std::string_view data) {
    while (!data.empty()) {
      const ssize_t sent = ::send(fd_, data.data(), data.size(), MSG_NOSIGNAL);
      if (sent <= 0) return false;
      data.remove_prefix(static_cast<size_t>(sent));
    }
    return true;
  }

  // Everything the server sends until it closes (or 2 s pass without data).
  std::string ReadUntilClose() {
    std::string received;
    char buffer[4096];
    while (true) {
      const ssize_t got = ::recv(fd_, buffer, sizeof(buffer), 0);
      if (got <= 0) {
        closed_ = got == 0 || errno == ECONNRESET || errno == EPIPE;
        return received;
      }
      received.append(buffer, static_cast<size_t>(got));
    }
  }

  // True when the peer has closed: EOF or reset, without waiting.
  bool PeerClosed() {
    char byte;
    const ssize_t got = ::recv(fd_, &byte, 1, MSG_DONTWAIT);
    return got == 0 || (got < 0 && errno != EAGAIN && errno != EWOULDBLOCK);
  }

  bool closed() const { return closed_; }

 private:
  int fd_;
  bool connected_ = false;
  bool closed_ = false;
};

ClientRequest Request(std::string method, std::string target, std::string body = {}) {
  ClientRequest request;
  request.method = std::move(method);
  request.target = std::move(target);
  request.body = std::move(body);
  return request;
}

class HttpClientServerTest : public ::testing::Test {
 protected:
  void StartServer(HttpServerOptions options, HttpHandler handler) {
    options.listen = HostPort{"127.0.0.1", 0};
    server_ = std::make_unique<HttpServer>(ioc_, std::move(options), std::move(handler));
    const Status started = server_->Start();
    ASSERT_TRUE(started.ok()) << started.error().detail;
    connections_.emplace(server_->port());
    io_thread_ = std::thread([this] { ioc_.run(); });
  }

  void StartEchoServer(HttpServerOptions options = {}) {
    StartServer(std::move(options), [this](ServerRequest request, Responder respond) {
      ServerResponse response;
      response.content_type = "text/plain";
      response.body = request.method + " " + request.target + "\n" + request.body;
      response.headers.Add("X-Request-Number", std::to_string(++requests_));
      {
        std::lock_guard lock(mutex_);
        last_request_ = request;
      }
      respond(std::move(response));
    });
  }

  void TearDown() override {
    for (std::thread& helper : helpers_) helper.join();
    if (server_) server_->StopAccepting();
    guard_.reset();
    ioc_.stop();
    if (io_thread_.joinable()) io_thread_.join();
    // Parked responders keep their sessions alive: drop them before the io_context goes.
    parked_.clear();
    server_.reset();
  }

  Url ServerUrl(std::string_view path = "") const {
    return *ParseUrl("http://127.0.0.1:" + std::to_string(server_->port()) + std::string(path));
  }

  boost::asio::io_context ioc_;
  std::optional<boost::asio::executor_work_guard<boost::asio::io_context::executor_type>> guard_{
      boost::asio::make_work_guard(ioc_)};
  std::unique_ptr<HttpServer> server_;
  std::optional<ConnectionCounter> connections_;  ///< since the server was bound
  std::thread io_thread_;
  std::atomic<int> requests_{0};
  std::mutex mutex_;
  ServerRequest last_request_;
  std::vector<Responder> parked_;
  std::vector<std::thread> helpers_;
};

TEST_F(HttpClientServerTest, ServerSeesMethodTargetBodyAndHeaders) {
  StartEchoServer();
  HttpClient client(ServerUrl("/v1/"));
  ClientRequest request;
  request.method = "POST";
  request.target = "/echo?x=1";
  request.body = R"({"id":"EVAAAA1111"})";
  request.headers.Add("X-Test", "yes");
  Result<ClientResponse> response = client.Send(request);
  ASSERT_TRUE(response.ok()) << response.error().detail;
  EXPECT_EQ(response->status, 200u);
  EXPECT_EQ(response->body, "POST /v1/echo?x=1\n{\"id\":\"EVAAAA1111\"}");
  EXPECT_EQ(response->headers.Get("Content-Type"), "text/plain");
  EXPECT_EQ(response->headers.Get("X-Request-Number"), "1");
  std::lock_guard lock(mutex_);
  EXPECT_EQ(last_request_.headers.Get("X-Test"), "yes");
  EXPECT_EQ(last_request_.headers.Get("Host"), "127.0.0.1:" + std::to_string(server_->port()));
  EXPECT_EQ(last_request_.headers.Get("User-Agent"), "paypro-webhookd");
  EXPECT_EQ(last_request_.peer_address, "127.0.0.1");
}

TEST_F(HttpClientServerTest, GetWithoutBody) {
  StartEchoServer();
  HttpClient client(ServerUrl());
  ClientRequest request;
  request.target = "/healthz";
  Result<ClientResponse> response = client.Send(request);
  ASSERT_TRUE(response.ok()) << response.error().detail;
  EXPECT_EQ(response->body, "GET /healthz\n");
}

// RFC 9112 section 3.2.1: an empty path is sent as "/".
TEST_F(HttpClientServerTest, EmptyTargetOnRootBaseIsSentAsSlash) {
  StartEchoServer();
  HttpClient client(ServerUrl());
  Result<ClientResponse> response = client.Send(Request("GET", ""));
  ASSERT_TRUE(response.ok()) << response.error().detail;
  EXPECT_EQ(response->status, 200u);
  EXPECT_EQ(response->body, "GET /\n");
}

TEST_F(HttpClientServerTest, ClientReusesOneConnectionForSeveralRequests) {
  StartEchoServer();
  HttpClient client(ServerUrl());
  for (int i = 1; i <= 5; ++i) {
    ClientRequest request;
    request.method = "PUT";
    request.target = "/n/" + std::to_string(i);
    request.body = std::string(static_cast<size_t>(i) * 100, 'x');
    Result<ClientResponse> response = client.Send(request);
    ASSERT_TRUE(response.ok()) << response.error().detail;
    EXPECT_EQ(response->body, "PUT /n/" + std::to_string(i) + "\n" + request.body);
    EXPECT_EQ(response->headers.Get("X-Request-Number"), std::to_string(i));
  }
  // One connection seen from both ends; a reconnect per request would leave
  // the earlier ones in TIME_WAIT.
  EXPECT_EQ(connections_->Count(), 2);
}

TEST_F(HttpClientServerTest, ServerErrorStatusIsASuccessfulExchange) {
  StartServer({}, [](ServerRequest, Responder respond) {
    ServerResponse response;
    response.status = 503;
    response.body = R"({"error":"busy"})";
    response.headers.Add("Retry-After", "7");
    respond(std::move(response));
  });
  HttpClient client(ServerUrl());
  Result<ClientResponse> response = client.Send(Request("GET", "/busy"));
  ASSERT_TRUE(response.ok()) << response.error().detail;
  EXPECT_EQ(response->status, 503u);
  EXPECT_EQ(response->body, R"({"error":"busy"})");
  EXPECT_EQ(response->RetryAfter(), std::chrono::seconds(7));
}

TEST_F(HttpClientServerTest, DeclaredBodyOverLimitGets413WithoutCallingHandler) {
  HttpServerOptions options;
  options.max_body_bytes = 1024;
  StartEchoServer(options);
  RawConnection raw(server_->port());
  ASSERT_TRUE(raw.connected());
  ASSERT_TRUE(raw.Send("POST /x HTTP/1.1\r\nHost: t\r\nContent-Length: 5000\r\n\r\n"));
  const std::string answer = raw.ReadUntilClose();
  EXPECT_TRUE(answer.starts_with("HTTP/1.1 413 ")) << answer;
  EXPECT_TRUE(answer.ends_with("\r\n\r\n{\"error\":\"body too large\"}")) << answer;
  EXPECT_NE(answer.find("Connection: close"), std::string::npos) << answer;
  EXPECT_TRUE(raw.closed());
  EXPECT_EQ(requests_.load(), 0);
}

TEST_F(HttpClientServerTest, BodyAtTheLimitIsAccepted) {
  HttpServerOptions options;
  options.max_body_bytes = 1024;
  StartEchoServer(options);
  HttpClient client(ServerUrl());
  const ClientRequest request = Request("POST", "/limit", std::string(1024, 'b'));
  Result<ClientResponse> response = client.Send(request);
  ASSERT_TRUE(response.ok()) << response.error().detail;
  EXPECT_EQ(response->status, 200u);
  EXPECT_EQ(response->body, "POST /limit\n" + request.body);
}

TEST_F(HttpClientServerTest, ChunkedBodyGrowingPastLimitGets413) {
  HttpServerOptions options;
  options.max_body_bytes = 1024;
  StartEchoServer(options);
  RawConnection raw(server_->port());
  ASSERT_TRUE(raw.connected());
  std::string request = "POST /x HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n";
  for (int i = 0; i < 3; ++i) request += "200\r\n" + std::string(512, 'c') + "\r\n";
  ASSERT_TRUE(raw.Send(request));
  const std::string answer = raw.ReadUntilClose();
  EXPECT_TRUE(answer.starts_with("HTTP/1.1 413 ")) << answer;
  EXPECT_NE(answer.find("{\"error\":\"body too large\"}"), std::string::npos) << answer;
  EXPECT_EQ(requests_.load(), 0);
}

TEST_F(HttpClientServerTest, HugeHeaderGets431) {
  StartEchoServer();
  RawConnection raw(server_->port());
  ASSERT_TRUE(raw.connected());
  ASSERT_TRUE(raw.Send("GET / HTTP/1.1\r\nHost: t\r\nX-Big: " + std::string(64 * 1024, 'h') + "\r\n\r\n"));
  const std::string answer = raw.ReadUntilClose();
  EXPECT_TRUE(answer.starts_with("HTTP/1.1 431 ")) << answer.substr(0, 200);
  EXPECT_NE(answer.find("{\"error\":\"headers too large\"}"), std::string::npos) << answer;
  EXPECT_EQ(requests_.load(), 0);
}

TEST_F(HttpClientServerTest, HandlerSeesRepeatedHeaders) {
  StartEchoServer();
  RawConnection raw(server_->port());
  ASSERT_TRUE(raw.connected());
  ASSERT_TRUE(raw.Send(
      "POST /webhooks/paypro HTTP/1.1\r\nHost: t\r\nPayPro-Signature: aaa\r\npaypro-signature: bbb\r\n"
      "PayPro-Timestamp: 1\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}"));
  const std::string answer = raw.ReadUntilClose();
  EXPECT_TRUE(answer.starts_with("HTTP/1.1 200 ")) << answer;
  std::lock_guard lock(mutex_);
  EXPECT_EQ(last_request_.headers.Count("PayPro-Signature"), 2u);
  EXPECT_EQ(last_request_.headers.Get("PAYPRO-SIGNATURE"), "aaa");
  EXPECT_EQ(last_request_.headers.Count("PayPro-Timestamp"), 1u);
  EXPECT_EQ(last_request_.headers.Count("X-Absent"), 0u);
  EXPECT_EQ(last_request_.body, "{}");
}

TEST_F(HttpClientServerTest, ClientSendsRepeatedHeadersAsGiven) {
  StartEchoServer();
  HttpClient client(ServerUrl());
  ClientRequest request = Request("POST", "/dup", "{}");
  request.headers.Add("X-Dup", "one");
  request.headers.Add("X-Dup", "two");
  Result<ClientResponse> response = client.Send(request);
  ASSERT_TRUE(response.ok()) << response.error().detail;
  std::lock_guard lock(mutex_);
  EXPECT_EQ(last_request_.headers.Count("X-Dup"), 2u);
  EXPECT_EQ(last_request_.headers.Get("X-Dup"), "one");
}

TEST_F(HttpClientServerTest, ReadTimeoutClosesATricklingConnection) {
  HttpServerOptions options;
  options.read_timeout = milliseconds(300);
  StartEchoServer(options);
  RawConnection raw(server_->port());
  ASSERT_TRUE(raw.connected());
  const std::string request = "POST /x HTTP/1.1\r\nHost: t\r\nContent-Length: 100\r\n\r\n" + std::string(100, 'x');
  const auto start = Clock::now();
  bool closed = false;
  for (size_t i = 0; i < request.size() && Clock::now() - start < milliseconds(2000); ++i) {
    if (raw.PeerClosed() || !raw.Send(request.substr(i, 1))) {
      closed = true;
      break;
    }
    std::this_thread::sleep_for(milliseconds(100));
  }
  const auto elapsed = Clock::now() - start;
  EXPECT_TRUE(closed) << "the server kept a trickling connection open";
  EXPECT_GE(elapsed, milliseconds(250));
  EXPECT_LT(elapsed, milliseconds(1500));
  EXPECT_EQ(requests_.load(), 0);
}

TEST_F(HttpClientServerTest, RequestTimeoutWhenHandlerNeverAnswers) {
  StartServer({}, [this](ServerRequest, Responder respond) {
    std::lock_guard lock(mutex_);
    parked_.push_back(std::move(respond));
  });
  HttpClientOptions options;
  options.request_timeout = milliseconds(300);
  HttpClient client(ServerUrl(), options);
  const auto start = Clock::now();
  Result<ClientResponse> response = client.Send(Request("GET", "/never"));
  const auto elapsed = Clock::now() - start;
  ASSERT_FALSE(response.ok()) << "got status " << response->status;
  EXPECT_EQ(response.error().code, ErrorCode::kTimeout) << response.error().detail;
  EXPECT_GE(elapsed, milliseconds(250));
  EXPECT_LT(elapsed, milliseconds(1500));
}

TEST_F(HttpClientServerTest, ConnectionRefusedIsUnavailable) {
  uint16_t closed_port = 0;
  {
    boost::asio::io_context probe;
    boost::asio::ip::tcp::acceptor acceptor(probe, {boost::asio::ip::make_address("127.0.0.1"), 0});
    closed_port = acceptor.local_endpoint().port();
  }
  HttpClientOptions options;
  options.connect_timeout = milliseconds(1000);
  HttpClient client(*ParseUrl("http://127.0.0.1:" + std::to_string(closed_port)), options);
  Result<ClientResponse> response = client.Send(Request("GET", "/refused"));
  ASSERT_FALSE(response.ok());
  EXPECT_EQ(response.error().code, ErrorCode::kUnavailable) << response.error().detail;
  EXPECT_EQ(response.error().reason, "connection failed");
}

TEST_F(HttpClientServerTest, AnswerFromAnotherThreadArrives) {
  StartServer({}, [this](ServerRequest request, Responder respond) {
    std::lock_guard lock(mutex_);
    helpers_.emplace_back([body = std::move(request.body), respond = std::move(respond)] {
      std::this_thread::sleep_for(milliseconds(50));
      ServerResponse response;
      response.status = 202;
      response.body = "later:" + body;
      respond(std::move(response));
    });
  });
  HttpClient client(ServerUrl());
  for (int i = 0; i < 2; ++i) {
    Result<ClientResponse> response = client.Send(Request("POST", "/later", "n" + std::to_string(i)));
    ASSERT_TRUE(response.ok()) << response.error().detail;
    EXPECT_EQ(response->status, 202u);
    EXPECT_EQ(response->body, "later:n" + std::to_string(i));
  }
}

// The daemon's setting with its one I/O thread: sessions without strands,
// answered from other threads (the inbox writers), several connections at once.
TEST_F(HttpClientServerTest, OneIoThreadServerTakesAnswersFromOtherThreadsOnManyConnections) {
  HttpServerOptions options;
  options.one_io_thread = true;
  StartServer(options, [this](ServerRequest request, Responder respond) {
    std::lock_guard lock(mutex_);
    helpers_.emplace_back([target = std::move(request.target), respond = std::move(respond)] {
      std::this_thread::sleep_for(milliseconds(5));
      ServerResponse response;
      response.body = "answered " + target;
      respond(std::move(response));
    });
  });
  HttpClient client(ServerUrl());
  std::vector<ClientRequest> requests;
  for (int i = 0; i < 40; ++i) requests.push_back(Request("GET", "/n/" + std::to_string(i)));
  const std::vector<TimedResponse> responses = client.SendAll(requests, 8);
  ASSERT_EQ(responses.size(), requests.size());
  for (size_t i = 0; i < responses.size(); ++i) {
    ASSERT_TRUE(responses[i].response.ok()) << i << ": " << responses[i].response.error().detail;
    EXPECT_EQ(responses[i].response->body, "answered /n/" + std::to_string(i));
  }
  EXPECT_EQ(connections_->Count(), 16) << "eight connections, seen from both ends";
}

TEST_F(HttpClientServerTest, ClientReconnectsAfterServerClosesConnection) {
  StartServer({}, [this](ServerRequest, Responder respond) {
    ServerResponse response;
    response.body = std::to_string(++requests_);
    response.close = true;
    respond(std::move(response));
  });
  HttpClient client(ServerUrl());
  for (int i = 1; i <= 3; ++i) {
    Result<ClientResponse> response = client.Send(Request("GET", "/close"));
    ASSERT_TRUE(response.ok()) << response.error().detail;
    EXPECT_EQ(response->body, std::to_string(i));
    EXPECT_EQ(response->headers.Get("Connection"), "close");
  }
}

TEST_F(HttpClientServerTest, SendAllAnswersInOrderOverTheConnectionsAsked) {
  StartEchoServer();
  HttpClient client(ServerUrl());
  std::vector<ClientRequest> requests;
  for (int i = 0; i < 10; ++i) requests.push_back(Request("POST", "/n/" + std::to_string(i), std::string(i, 'x')));
  requests[4].method = "NOT A METHOD";
  const std::vector<TimedResponse> responses = client.SendAll(requests, 3);
  ASSERT_EQ(responses.size(), requests.size());
  for (size_t i = 0; i < responses.size(); ++i) {
    if (i == 4) {
      ASSERT_FALSE(responses[i].response.ok());
      EXPECT_EQ(responses[i].response.error().detail, "unknown HTTP method NOT A METHOD");
      continue;
    }
    ASSERT_TRUE(responses[i].response.ok()) << i << ": " << responses[i].response.error().detail;
    EXPECT_EQ(responses[i].response->body, "POST /n/" + std::to_string(i) + "\n" + std::string(i, 'x'));
  }
  EXPECT_EQ(requests_, 9);
  EXPECT_EQ(connections_->Count(), 6) << "three connections, seen from both ends";
  // The connections stay open for the next batch, and a single Send uses one of them.
  ASSERT_TRUE(client.Send(Request("GET", "/again")).ok());
  EXPECT_EQ(connections_->Count(), 6);
}

// Nothing is answered until four requests are waiting at once: one
// connection at a time would run into the client's deadline instead.
TEST_F(HttpClientServerTest, SendAllKeepsItsConnectionsBusyAtOnce) {
  constexpr size_t kAtOnce = 4;
  StartServer({}, [this](ServerRequest request, Responder respond) {
    std::lock_guard lock(mutex_);
    parked_.push_back([respond = std::move(respond), target = request.target](ServerResponse response) mutable {
      response.body = target;
      respond(std::move(response));
    });
    if (parked_.size() < kAtOnce) return;
    for (Responder& answer : parked_) answer(ServerResponse{});
    parked_.clear();
  });
  HttpClientOptions options;
  options.request_timeout = milliseconds(3000);
  HttpClient client(ServerUrl(), options);
  std::vector<ClientRequest> requests;
  for (size_t i = 0; i < 2 * kAtOnce; ++i) requests.push_back(Request("GET", "/wait/" + std::to_string(i)));
  const std::vector<TimedResponse> responses = client.SendAll(requests, kAtOnce);
  for (size_t i = 0; i < responses.size(); ++i) {
    ASSERT_TRUE(responses[i].response.ok()) << i << ": " << responses[i].response.error().detail;
    EXPECT_EQ(responses[i].response->body, "/wait/" + std::to_string(i));
  }
}

}  // namespace
}  // namespace webhookd
