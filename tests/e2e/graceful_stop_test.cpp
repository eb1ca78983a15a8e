// End to end: SIGTERM while an exec handler runs: within the shutdown
// deadline the run finishes; past it the program is killed, the run given
// back, and the next start runs it to the end. Nothing is lost.
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/stat.h>

#include <algorithm>
#include <fstream>
#include <sstream>
#include <thread>

#include "tests/support/harness.hpp"
#include "tests/support/test_database.hpp"

namespace webhookd::testing {
namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::seconds;
constexpr auto kSettle = std::chrono::seconds(60);

class GracefulStop : public ::testing::Test {
 protected:
  // A fulfilment program that notes when it starts and when it is done,
  // sleeping in between for as long as the file `sleep_s` says.
  void SetUp() override {
    const std::string script = dir_.File("fulfil");
    WriteFile(script,
              fmt::format("#!/bin/sh\ncat > /dev/null\necho \"start $PAYPRO_EVENT_ID $$\" >> {0}\n"
                          "sleep \"$(cat {1})\"\necho \"end $PAYPRO_EVENT_ID\" >> {0}\n",
                          dir_.File("runs"), dir_.File("sleep_s")));
    chmod(script.c_str(), 0755);
  }

  // A daemon whose only handler runs the program, with `shutdown_timeout_s`.
  std::unique_ptr<Daemon> MakeDaemon(int shutdown_timeout_s, int max_concurrency = 4) {
    DaemonOptions options{database_.url(), sandbox_.url()};
    options.handlers_yaml = fmt::format(
        "handlers:\n  - name: fulfil\n    on: [\"*\"]\n"
        "    exec: {{ argv: [\"{}\"], timeout_ms: 120000, max_concurrency: {} }}\n",
        dir_.File("fulfil"), max_concurrency);
    auto daemon = std::make_unique<Daemon>(dir_, options);
    const std::string yaml = ReadFile(daemon->config_path());
    const std::string anchor = "  read_timeout_ms: 5000\n";
    const size_t at = yaml.find(anchor);
    EXPECT_NE(at, std::string::npos) << yaml;
    WriteFile(daemon->config_path(),
              yaml.substr(0, at + anchor.size()) +
                  fmt::format("  shutdown_timeout_s: {}\n", shutdown_timeout_s) +
                  yaml.substr(at + anchor.size()));
    return daemon;
  }

  // Delivers one event and waits until the program has started on it; its id.
  std::string StartRun(Daemon& daemon) {
    const std::string event = sandbox_.CreateEvents(1).front();
    EXPECT_EQ(daemon.PostSigned(event).status, 200u);
    EXPECT_TRUE(Eventually([&] { return Count("start ") == 1; }, kSettle)) << daemon.Output();
    return JsonString(event, "id");
  }

  // The process ids of the programs started so far.
  std::vector<pid_t> Programs() {
    std::istringstream lines(ReadFile(dir_.File("runs")));
    std::vector<pid_t> pids;
    for (std::string word, event, pid; lines >> word;) {
      if (word == "start" && lines >> event >> pid) pids.push_back(std::stoi(pid));
      if (word == "end") lines >> event;
    }
    return pids;
  }

  // Gone, or a zombie that nobody reaped yet.
  static bool Ended(pid_t pid) {
    return kill(pid, 0) != 0 ||
           ReadFile(fmt::format("/proc/{}/stat", pid)).find(") Z ") != std::string::npos;
  }

  // Lines of the runs file that start with `prefix`.
  int Count(const std::string& prefix) {
    std::istringstream lines(ReadFile(dir_.File("runs")));
    int count = 0;
    for (std::string line; std::getline(lines, line);) count += line.starts_with(prefix) ? 1 : 0;
    return count;
  }

  std::string Run(const std::string& column) {
    return database_.Scalar("SELECT " + column +
                            " FROM paypro_handler_runs WHERE handler = 'fulfil'");
  }


  TempDir dir_;
  TestDatabase database_;
  Sandbox sandbox_{dir_};
};

TEST_F(GracefulStop, RunFinishesWithinTheDeadline) {
  WriteFile(dir_.File("sleep_s"), "3");
  auto daemon = MakeDaemon(30);
  ASSERT_TRUE(daemon->Start()) << daemon->Output();
  const std::string id = StartRun(*daemon);

  const auto signalled = Clock::now();
  daemon->process().Signal(SIGTERM);
  EXPECT_EQ(daemon->process().Wait(kSettle), 0) << daemon->Output();
  EXPECT_LT(Clock::now() - signalled, seconds(20)) << "waited for the deadline, not for the run";
  EXPECT_EQ(Count("end " + id), 1) << daemon->Output();
  EXPECT_EQ(Run("state"), "succeeded");
  EXPECT_EQ(database_.EventState(id), "processed");
}

TEST_F(GracefulStop, DeadlineAbandonsTheRunAndTheNextStartFinishesIt) {
  WriteFile(dir_.File("sleep_s"), "60");
  auto daemon = MakeDaemon(2);
  ASSERT_TRUE(daemon->Start()) << daemon->Output();
  const std::string id = StartRun(*daemon);
  ASSERT_EQ(Programs().size(), 1u);
  const pid_t program = Programs().front();

  const auto signalled = Clock::now();
  daemon->process().Signal(SIGTERM);
  EXPECT_EQ(daemon->process().Wait(kSettle), 0) << daemon->Output();
  const auto took = Clock::now() - signalled;
  EXPECT_GE(took, std::chrono::milliseconds(1900)) << "did not wait for the deadline";
  EXPECT_LT(took, seconds(15)) << "did not stop at the deadline";
  EXPECT_TRUE(Eventually([&] { return Ended(program); }, seconds(5))) << "the program survived";
  EXPECT_EQ(Count("end "), 0);
  // Given back as it was: open, unleased, no attempt counted, due now.
  EXPECT_EQ(Run("state"), "pending");
  EXPECT_EQ(Run("attempts"), "0");
  EXPECT_EQ(Run("lease_owner IS NULL"), "t");
  EXPECT_EQ(database_.EventState(id), "verified");

  // At least once: the next start runs the program again, to the end.
  WriteFile(dir_.File("sleep_s"), "0");
  auto again = MakeDaemon(2);
  ASSERT_TRUE(again->Start()) << again->Output();
  ASSERT_TRUE(Eventually([&] { return database_.EventState(id) == "processed"; }, kSettle)) << again->Output();
  EXPECT_EQ(Count("start " + id), 2);
  EXPECT_EQ(Count("end " + id), 1);
  EXPECT_EQ(Run("state"), "succeeded");
  EXPECT_EQ(again->Stop(), 0);
}

TEST_F(GracefulStop, RunsWaitingForTheirSlotAreLeftPendingToo) {
  WriteFile(dir_.File("sleep_s"), "60");
  auto daemon = MakeDaemon(2, 1);
  ASSERT_TRUE(daemon->Start()) << daemon->Output();
  StartRun(*daemon);
  const std::string second = sandbox_.CreateEvents(1).front();
  ASSERT_EQ(daemon->PostSigned(second).status, 200u);
  // The second run waits in the table for the handler's only slot: no
  // worker claims it (and waits) while the first program holds the slot.
  ASSERT_TRUE(Eventually([&] { return Run("count(*)") == "2"; }, kSettle)) << daemon->Output();
  std::this_thread::sleep_for(seconds(1));
  EXPECT_EQ(Run("count(*) FILTER (WHERE lease_owner IS NOT NULL)"), "1");

  daemon->process().Signal(SIGTERM);
  EXPECT_EQ(daemon->process().Wait(kSettle), 0) << daemon->Output();
  for (const pid_t program : Programs()) {
    EXPECT_TRUE(Eventually([&] { return Ended(program); }, seconds(5)))
        << "program " << program << " survived";
  }
  EXPECT_EQ(Count("end "), 0);
  EXPECT_EQ(
      Run("count(*) FILTER (WHERE state = 'pending' AND attempts = 0 AND lease_owner IS NULL)"),
      "2")
      << daemon->Output();
}

}  // namespace
}  // namespace webhookd::testing
