// End to end: the daemon under a stand-in for systemd: READY=1, the
// watchdog, STATUS=, reloads and stopping, over a real notification socket.
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <thread>

#include "tests/support/harness.hpp"
#include "tests/support/test_database.hpp"

namespace webhookd::testing {
namespace {

using Clock = std::chrono::steady_clock;
constexpr auto kSettle = std::chrono::seconds(30);
constexpr int kWatchdogUsec = 2'000'000;

// What the service manager received, and when.
struct Received {
  Clock::time_point at;
  std::string message;
  int readyz = 0;  ///< /readyz's status when READY=1 arrived
};

// systemd's side of NOTIFY_SOCKET: a datagram socket and a thread that
// records each notification. On READY=1 it asks /readyz at once, since the
// daemon must be ready by the time it says so.
class NotifySocket {
 public:
  explicit NotifySocket(const std::string& path) : path_(path) {
    fd_ = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    std::strncpy(address.sun_path, path.c_str(), sizeof(address.sun_path) - 1);
    if (fd_ < 0 || bind(fd_, reinterpret_cast<sockaddr*>(&address), sizeof(address)) != 0) {
      throw std::runtime_error(std::string("notify socket: ") + std::strerror(errno));
    }
  }
  ~NotifySocket() {
    stop_ = true;
    if (thread_.joinable()) thread_.join();
    close(fd_);
  }
  void Listen(Daemon& daemon) {
    thread_ = std::thread([this, &daemon] { Run(daemon); });
  }
  std::vector<Received> received() {
    std::lock_guard lock(mutex_);
    return received_;
  }
  // Index of the first message from `from` on that contains `text`, or -1.
  int Find(const std::string& text, int from = 0) {
    const std::vector<Received> all = received();
    for (size_t i = static_cast<size_t>(from); i < all.size(); ++i) {
      if (all[i].message.find(text) != std::string::npos) return static_cast<int>(i);
    }
    return -1;
  }
  // Every message, for failure messages.
  std::string Transcript() {
    std::string text;
    for (const Received& entry : received()) text += entry.message + " | ";
    return text;
  }
  int WaitFor(const std::string& text, int from = 0) {
    int found = -1;
    Eventually([&] { return (found = Find(text, from)) >= 0; }, kSettle);
    return found;
  }

 private:
  void Run(Daemon& daemon) {
    while (!stop_) {
      pollfd ready{fd_, POLLIN, 0};
      if (poll(&ready, 1, 100) != 1) continue;
      char buffer[4096];
      const ssize_t got = recv(fd_, buffer, sizeof(buffer), 0);
      if (got <= 0) continue;
      Received entry{Clock::now(), std::string(buffer, static_cast<size_t>(got))};
      if (entry.message.starts_with("READY=1"))
        entry.readyz = static_cast<int>(daemon.AdminGet("/readyz").status);
      std::lock_guard lock(mutex_);
      received_.push_back(std::move(entry));
    }
  }

  std::string path_;
  int fd_ = -1;
  std::atomic<bool> stop_{false};
  std::mutex mutex_;
  std::vector<Received> received_;
  std::thread thread_;
};

class ServiceNotify : public ::testing::Test {
 protected:
  void SetUp() override {
    // The daemon inherits these from the test process, as from systemd.
    setenv("NOTIFY_SOCKET", socket_path_.c_str(), 1);
    setenv("WATCHDOG_USEC", std::to_string(kWatchdogUsec).c_str(), 1);
    unsetenv("WATCHDOG_PID");
  }
  void TearDown() override {
    unsetenv("NOTIFY_SOCKET");
    unsetenv("WATCHDOG_USEC");
  }

  TempDir dir_;
  TestDatabase database_;
  Sandbox sandbox_{dir_};
  std::string socket_path_ = dir_.File("notify.sock");
  NotifySocket notify_{socket_path_};
};

TEST_F(ServiceNotify, ReadyWatchdogStatusReloadAndStopping) {
  Daemon daemon(dir_, DaemonOptions{database_.url(), sandbox_.url()});
  notify_.Listen(daemon);
  ASSERT_TRUE(daemon.Start()) << daemon.Output();

  const int ready = notify_.WaitFor("READY=1");
  ASSERT_GE(ready, 0) << daemon.Output();
  const Received first_ready = notify_.received()[static_cast<size_t>(ready)];
  EXPECT_EQ(first_ready.readyz, 200) << "READY=1 before /readyz answers 200";
  EXPECT_NE(first_ready.message.find("STATUS=accepted 0, verified 0, processed 0, dead 0"),
            std::string::npos)
      << first_ready.message;
  EXPECT_EQ(notify_.Find("READY=1", ready + 1), -1) << "READY=1 twice";

  // Pings every half interval (1 s): at least three in the next 3.5 s.
  std::this_thread::sleep_for(std::chrono::milliseconds(3500));
  std::vector<Clock::time_point> pings;
  for (const Received& entry : notify_.received()) {
    if (entry.message.find("WATCHDOG=1") != std::string::npos && entry.at >= first_ready.at)
      pings.push_back(entry.at);
  }
  ASSERT_GE(pings.size(), 3u);
  for (size_t i = 1; i < pings.size(); ++i) {
    EXPECT_LT(pings[i] - pings[i - 1], std::chrono::microseconds(kWatchdogUsec))
        << "a gap the watchdog would kill";
  }

  // The status follows what happens.
  const std::string event = sandbox_.CreateEvents(1).front();
  ASSERT_EQ(daemon.PostSigned(event).status, 200u);
  EXPECT_GE(
      notify_.WaitFor("STATUS=accepted 1, verified 1, processed 1, dead 0, handlers running 0"), 0)
      << notify_.Transcript();

  // A good reload, then a bad one: RELOADING=1, then READY=1 either way.
  daemon.process().Signal(SIGHUP);
  const int reloading = notify_.WaitFor("RELOADING=1", ready + 1);
  ASSERT_GE(reloading, 0) << daemon.Output();
  EXPECT_NE(notify_.received()[static_cast<size_t>(reloading)].message.find("MONOTONIC_USEC="),
            std::string::npos);
  const int reloaded = notify_.WaitFor("READY=1", reloading + 1);
  ASSERT_GE(reloaded, 0);
  const std::string good = ReadFile(daemon.config_path());
  WriteFile(daemon.config_path(),
            good + "  - name: broken\n    on: [payment.paid]\n    shell: {}\n");
  daemon.process().Signal(SIGHUP);
  ASSERT_TRUE(daemon.process().WaitForOutput("reload failed", kSettle)) << daemon.Output();
  const int failed_reloading = notify_.WaitFor("RELOADING=1", reloaded + 1);
  ASSERT_GE(failed_reloading, 0);
  EXPECT_GE(notify_.WaitFor("READY=1", failed_reloading + 1), 0);

  daemon.process().Signal(SIGTERM);
  EXPECT_EQ(daemon.process().Wait(kSettle), 0) << daemon.Output();
  const int stopping = notify_.Find("STOPPING=1");
  ASSERT_GT(stopping, failed_reloading) << daemon.Output();
  EXPECT_EQ(notify_.Find("READY=1", stopping + 1), -1);
}

}  // namespace
}  // namespace webhookd::testing
