// End to end: an outside handler's run claim outlives a slow handler, and a
// killed daemon's claims are free again soon after its restart.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <map>
#include <mutex>
#include <thread>
#include <vector>

#include "core/http_server.hpp"
#include "tests/support/harness.hpp"
#include "tests/support/test_database.hpp"

namespace webhookd::testing {
namespace {

// A killed daemon's runs wait for their lease (30 s) to run again.
constexpr auto kAfterLease = std::chrono::seconds(90);

// A shop endpoint that keeps back its answer to the first call for each
// event until Release(), and answers later calls at once. Signatures are
// not checked: handlers_test.cpp does that.
class SlowShop {
 public:
  SlowShop() {
    HttpServerOptions options;
    options.listen = HostPort{"127.0.0.1", 0};
    server_ = std::make_unique<HttpServer>(
        ioc_, options, [this](ServerRequest request, Responder respond) {
          std::lock_guard lock(mutex_);
          if (++calls_[std::string(request.headers.Get("webhook-id"))] == 1) {
            held_.push_back(std::move(respond));
          } else {
            respond(ServerResponse{});
          }
        });
    EXPECT_TRUE(server_->Start());
    thread_ = std::thread([this] { ioc_.run(); });
  }
  ~SlowShop() {
    server_->StopAccepting();
    ioc_.stop();
    thread_.join();
  }
  std::string url() const { return fmt::format("http://127.0.0.1:{}/paypro", server_->port()); }
  int Calls(const std::string& event_id) {
    std::lock_guard lock(mutex_);
    return calls_[event_id];
  }
  /// Answers 200 to every call held back so far.
  void Release() {
    std::vector<Responder> held;
    {
      std::lock_guard lock(mutex_);
      held.swap(held_);
    }
    for (Responder& respond : held) respond(ServerResponse{});
  }

 private:
  boost::asio::io_context ioc_;
  std::unique_ptr<HttpServer> server_;
  std::thread thread_;
  std::mutex mutex_;
  std::map<std::string, int> calls_;
  std::vector<Responder> held_;
};

class HandlerLeases : public ::testing::Test {
 protected:
  DaemonOptions Options() {
    DaemonOptions options{database_.url(), sandbox_.url()};
    options.handlers_yaml = fmt::format(
        "handlers:\n  - name: notify-shop\n    on: [\"*\"]\n"
        "    http: {{ url: \"{}\", secret: \"shop-secret\", timeout_ms: 120000 }}\n",
        shop_.url());
    return options;
  }

  // Posts one new event and waits until the shop holds its first call.
  std::string PostAndWaitForTheShop(Daemon& daemon) {
    const std::string event = sandbox_.CreateEvents(1, "payment.paid").front();
    const std::string id = JsonString(event, "id");
    EXPECT_EQ(daemon.PostSigned(event).status, 200u);
    EXPECT_TRUE(Eventually([&] { return shop_.Calls(id) == 1; }, std::chrono::seconds(30)));
    return id;
  }

  TempDir dir_;
  TestDatabase database_;
  Sandbox sandbox_{dir_};
  SlowShop shop_;
};

TEST_F(HandlerLeases, RunOfAKilledDaemonRunsAgainSoonAfterTheRestart) {
  Daemon daemon(dir_, Options());
  ASSERT_TRUE(daemon.Start()) << daemon.Output();
  const std::string id = PostAndWaitForTheShop(daemon);
  daemon.Kill();
  ASSERT_TRUE(daemon.Start()) << daemon.Output();
  EXPECT_TRUE(Eventually([&] { return database_.EventState(id) == "processed"; }, kAfterLease))
      << "state " << database_.EventState(id) << ", shop calls " << shop_.Calls(id);
  EXPECT_EQ(shop_.Calls(id), 2);
}

TEST_F(HandlerLeases, RunLongerThanItsLeaseKeepsItsClaim) {
  Daemon daemon(dir_, Options());
  ASSERT_TRUE(daemon.Start()) << daemon.Output();
  const std::string id = PostAndWaitForTheShop(daemon);
  // Well past the 30 s lease: renewed meanwhile, no other worker takes it.
  std::this_thread::sleep_for(std::chrono::seconds(45));
  EXPECT_EQ(shop_.Calls(id), 1);
  shop_.Release();
  EXPECT_TRUE(
      Eventually([&] { return database_.EventState(id) == "processed"; }, std::chrono::seconds(30)))
      << database_.EventState(id);
  EXPECT_EQ(shop_.Calls(id), 1);
  EXPECT_EQ(daemon.Stop(), 0);
}

}  // namespace
}  // namespace webhookd::testing
