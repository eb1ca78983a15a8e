// Tests for a load lane against a real loopback server.
#include "bench/load_lane.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <mutex>
#include <thread>

#include "bench/signed_delivery.hpp"
#include "core/http_server.hpp"

namespace webhookd::bench {
namespace {

using std::chrono::milliseconds;
using Clock = std::chrono::steady_clock;

HttpServerOptions LoopbackOptions() {
  HttpServerOptions options;
  options.listen = {"127.0.0.1", 0};
  return options;
}

ServerResponse Answer(unsigned status) {
  ServerResponse response;
  response.status = status;
  return response;
}

// An HttpServer on its own thread; `hold_first` delays the first answer.
class TestServer {
 public:
  explicit TestServer(milliseconds hold_first = milliseconds(0))
      : server_(ioc_, LoopbackOptions(),
                [this, hold_first](ServerRequest request, Responder respond) {
                  ++requests_;
                  if (request.headers.Get("PayPro-Signature").empty()) return respond(Answer(400));
                  if (hold_first.count() > 0 && !held_.exchange(true)) {
                    std::lock_guard lock(mutex_);
                    holders_.emplace_back([hold_first, respond] {
                      std::this_thread::sleep_for(hold_first);
                      respond(Answer(200));
                    });
                    return;
                  }
                  respond(Answer(200));
                }) {
    EXPECT_TRUE(server_.Start().ok());
    thread_ = std::thread([this] { ioc_.run(); });
  }
  ~TestServer() {
    {
      std::lock_guard lock(mutex_);
      for (auto& holder : holders_) holder.join();
    }
    work_.reset();
    server_.StopAccepting();
    ioc_.stop();
    thread_.join();
  }
  std::string port() const { return std::to_string(server_.port()); }
  int requests() const { return requests_; }

 private:
  boost::asio::io_context ioc_;
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work_{
      ioc_.get_executor()};
  HttpServer server_;
  std::thread thread_;
  std::atomic<int> requests_{0};
  std::atomic<bool> held_{false};
  std::mutex mutex_;
  std::vector<std::thread> holders_;
};

std::vector<std::string> Requests(size_t count, const std::string& port, bool close) {
  const Url url = *ParseUrl("http://127.0.0.1:" + port + "/webhooks/paypro");
  std::vector<std::string> requests;
  for (size_t i = 0; i < count; ++i)
    requests.push_back(FormatRequest({"1", "sig", "{}"}, url, close));
  return requests;
}

LaneSettings Settings(const std::vector<std::string>& requests, const std::string& port,
                      size_t connections) {
  LaneSettings settings;
  settings.requests = &requests;
  settings.plan.max_requests = requests.size();
  settings.plan.duration = std::chrono::seconds(20);
  settings.connections = connections;
  settings.host = "127.0.0.1";
  settings.port = port;
  settings.timeout = milliseconds(5000);
  return settings;
}

TEST(LoadLane, ClosedLoopSendsEveryRequestOverKeepAlive) {
  TestServer server;
  const auto requests = Requests(200, server.port(), false);
  LoadLane lane(Settings(requests, server.port(), 4));
  ASSERT_TRUE(lane.Prepare().ok());
  const LoadTally tally = lane.Run(Clock::now());
  EXPECT_EQ(tally.sent, 200u);
  EXPECT_EQ(tally.statuses.at(200), 200u);
  EXPECT_EQ(tally.failed(), 0u);
  EXPECT_EQ(tally.latency.count(), 200u);
  EXPECT_EQ(server.requests(), 200);
}

TEST(LoadLane, RepeatsTheLoadedCallsWhenNumbersRunPastThem) {
  TestServer server;
  const auto requests = Requests(3, server.port(), false);
  LaneSettings settings = Settings(requests, server.port(), 2);
  settings.plan.max_requests = 10;
  LoadLane lane(std::move(settings));
  ASSERT_TRUE(lane.Prepare().ok());
  const LoadTally tally = lane.Run(Clock::now());
  EXPECT_EQ(tally.statuses.at(200), 10u);
  EXPECT_EQ(server.requests(), 10);
}

TEST(LoadLane, ConnectionCloseReconnectsForEveryRequest) {
  TestServer server;
  const auto requests = Requests(30, server.port(), true);
  LaneSettings settings = Settings(requests, server.port(), 2);
  settings.connection_close = true;
  LoadLane lane(std::move(settings));
  ASSERT_TRUE(lane.Prepare().ok());
  const LoadTally tally = lane.Run(Clock::now());
  EXPECT_EQ(tally.statuses.at(200), 30u);
  EXPECT_EQ(tally.failed(), 0u);
}

TEST(LoadLane, OpenLoopCountsAStallFromTheIntendedSendTime) {
  // One connection, 100 requests/s for 200 ms; the first answer takes 300 ms.
  // Requests 1..19 were meant for 10..190 ms and can only go after it: each
  // waited at least 110 ms, and the latency must say so.
  TestServer server(milliseconds(300));
  const auto requests = Requests(100, server.port(), false);
  LaneSettings settings = Settings(requests, server.port(), 1);
  settings.plan.rate = 100;
  settings.plan.duration = milliseconds(200);
  LoadLane lane(std::move(settings));
  ASSERT_TRUE(lane.Prepare().ok());
  const LoadTally tally = lane.Run(Clock::now());
  EXPECT_EQ(tally.sent, 20u);
  EXPECT_EQ(tally.statuses.at(200), 20u);
  EXPECT_GE(tally.latency.min(), milliseconds(105));
  EXPECT_GE(tally.latency.ValueAtQuantile(0.5), milliseconds(150));
}

TEST(LoadLane, CountsRefusedConnectionsAsErrors) {
  std::string port;
  {
    TestServer gone;
    port = gone.port();
  }
  const auto requests = Requests(5, port, true);
  LaneSettings settings = Settings(requests, port, 1);
  settings.connection_close = true;
  LoadLane lane(std::move(settings));
  ASSERT_TRUE(lane.Prepare().ok());
  const LoadTally tally = lane.Run(Clock::now());
  EXPECT_EQ(tally.sent, 5u);
  EXPECT_EQ(tally.answered(), 0u);
  EXPECT_EQ(tally.errors.at("connect"), 5u);

  LoadLane keep_alive(Settings(requests, port, 1));
  EXPECT_FALSE(keep_alive.Prepare().ok());
}

}  // namespace
}  // namespace webhookd::bench
