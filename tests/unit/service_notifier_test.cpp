// Tests of the sd_notify glue against a real AF_UNIX datagram socket.
#include "daemon/service_notifier.hpp"

#include <gtest/gtest.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <string>

namespace webhookd {
namespace {

// A socket standing in for systemd's notification socket, with the
// variables systemd sets pointing at it while the test runs.
class FakeServiceManager : public ::testing::Test {
 protected:
  void SetUp() override {
    path_ = std::filesystem::temp_directory_path() / ("notify-" + std::to_string(getpid()));
    std::filesystem::remove(path_);
    fd_ = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    ASSERT_GE(fd_, 0);
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    std::strncpy(address.sun_path, path_.c_str(), sizeof(address.sun_path) - 1);
    ASSERT_EQ(bind(fd_, reinterpret_cast<sockaddr*>(&address), sizeof(address)), 0)
        << std::strerror(errno);
    setenv("NOTIFY_SOCKET", path_.c_str(), 1);
  }
  void TearDown() override {
    unsetenv("NOTIFY_SOCKET");
    unsetenv("WATCHDOG_USEC");
    unsetenv("WATCHDOG_PID");
    if (fd_ >= 0) close(fd_);
    std::filesystem::remove(path_);
  }
  // The next datagram, or "" after a second without one.
  std::string Receive() {
    pollfd ready{fd_, POLLIN, 0};
    if (poll(&ready, 1, 1000) != 1) return "";
    char buffer[4096];
    const ssize_t got = recv(fd_, buffer, sizeof(buffer), 0);
    return got > 0 ? std::string(buffer, static_cast<size_t>(got)) : "";
  }

  std::string path_;
  int fd_ = -1;
};

TEST_F(FakeServiceManager, SendsWhatItIsGiven) {
  const ServiceNotifier notifier;
  EXPECT_TRUE(notifier.enabled());
  EXPECT_FALSE(notifier.watchdog_interval().has_value());
  EXPECT_TRUE(notifier.Send("READY=1\nSTATUS=accepted 0"));
  EXPECT_EQ(Receive(), "READY=1\nSTATUS=accepted 0");
  EXPECT_FALSE(notifier.Send(""));
}

TEST_F(FakeServiceManager, ReadsTheWatchdogMeantForThisProcess) {
  setenv("WATCHDOG_USEC", "2000000", 1);
  EXPECT_EQ(ServiceNotifier().watchdog_interval(), std::chrono::microseconds(2000000));
  setenv("WATCHDOG_PID", std::to_string(getpid()).c_str(), 1);
  EXPECT_EQ(ServiceNotifier().watchdog_interval(), std::chrono::microseconds(2000000));
  // Set for another process (our parent, say): not ours to ping.
  setenv("WATCHDOG_PID", std::to_string(getppid()).c_str(), 1);
  EXPECT_FALSE(ServiceNotifier().watchdog_interval().has_value());
}

TEST_F(FakeServiceManager, DoesNothingOutsideSystemd) {
  unsetenv("NOTIFY_SOCKET");
  setenv("WATCHDOG_USEC", "2000000", 1);
  const ServiceNotifier notifier;
  EXPECT_FALSE(notifier.enabled());
  EXPECT_FALSE(notifier.watchdog_interval().has_value());
  EXPECT_FALSE(notifier.Send("READY=1"));
  EXPECT_EQ(Receive(), "");
}

}  // namespace
}  // namespace webhookd
