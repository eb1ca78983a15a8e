// Tests of reading /proc/<pid>/stat and of killing our children's process groups.
#include "daemon/child_processes.hpp"

#include <gtest/gtest.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

extern char** environ;

namespace webhookd {
namespace {

TEST(ParseProcStat, ReadsParentAndGroup) {
  const auto stat =
      ParseProcStat("4242 (sleep) S 4000 4242 4000 0 -1 4194304 86 0 0 0 0 0 0 0 20 0 1 0");
  ASSERT_TRUE(stat.has_value());
  EXPECT_EQ(stat->pid, 4242);
  EXPECT_EQ(stat->parent, 4000);
  EXPECT_EQ(stat->group, 4242);
}

TEST(ParseProcStat, SkipsNamesWithSpacesAndParentheses) {
  const auto stat = ParseProcStat("77 (a) b (c) d) R 12 34 56 0");
  ASSERT_TRUE(stat.has_value());
  EXPECT_EQ(stat->pid, 77);
  EXPECT_EQ(stat->parent, 12);
  EXPECT_EQ(stat->group, 34);
}

TEST(ParseProcStat, RefusesMalformedText) {
  EXPECT_FALSE(ParseProcStat("").has_value());
  EXPECT_FALSE(ParseProcStat("12 (x S 1 2").has_value());
  EXPECT_FALSE(ParseProcStat("12 (x) S").has_value());
  EXPECT_FALSE(ParseProcStat("12 (x) S one 2").has_value());
  EXPECT_FALSE(ParseProcStat("pid (x) S 1 2").has_value());
}

// Starts `argv`, in a group of its own when `own_group`.
pid_t Spawn(std::vector<std::string> argv, bool own_group) {
  posix_spawnattr_t attributes;
  posix_spawnattr_init(&attributes);
  if (own_group) {
    posix_spawnattr_setflags(&attributes, POSIX_SPAWN_SETPGROUP);
    posix_spawnattr_setpgroup(&attributes, 0);
  }
  std::vector<char*> args;
  for (std::string& arg : argv) args.push_back(arg.data());
  args.push_back(nullptr);
  pid_t pid = -1;
  const int error = posix_spawn(&pid, args[0], nullptr, &attributes, args.data(), environ);
  posix_spawnattr_destroy(&attributes);
  return error == 0 ? pid : -1;
}

// Gone, or a zombie nobody reaped yet: either way it runs no more.
bool Ended(pid_t pid) {
  std::ifstream file("/proc/" + std::to_string(pid) + "/stat");
  std::stringstream text;
  text << file.rdbuf();
  const std::string stat = text.str();
  return stat.empty() || stat.find(") Z ") != std::string::npos;
}

TEST(KillChildProcessGroups, KillsGroupLeadersWithWhatTheyStartedAndNothingElse) {
  const std::string pid_file =
      std::filesystem::temp_directory_path() / ("grandchild-" + std::to_string(getpid()));
  const pid_t leader =
      Spawn({"/bin/sh", "-c", "sleep 30 & echo $! > " + pid_file + "; wait"}, true);
  const pid_t bystander = Spawn({"/bin/sleep", "30"}, false);
  ASSERT_GT(leader, 0);
  ASSERT_GT(bystander, 0);
  pid_t grandchild = 0;
  for (int i = 0; i < 200 && grandchild == 0; ++i) {
    std::ifstream file(pid_file);
    if (!(file >> grandchild)) grandchild = 0;
    if (grandchild == 0) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  std::filesystem::remove(pid_file);
  ASSERT_GT(grandchild, 0);

  EXPECT_EQ(KillChildProcessGroups(), 1);
  int status = 0;
  ASSERT_EQ(waitpid(leader, &status, 0), leader);
  EXPECT_TRUE(WIFSIGNALED(status));
  EXPECT_EQ(WTERMSIG(status), SIGKILL);
  bool grandchild_ended = false;
  for (int i = 0; i < 200 && !grandchild_ended; ++i) {
    grandchild_ended = Ended(grandchild);
    if (!grandchild_ended) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  EXPECT_TRUE(grandchild_ended);
  // A child that shares our group is not an exec handler's program.
  EXPECT_EQ(waitpid(bystander, &status, WNOHANG), 0);
  kill(bystander, SIGKILL);
  waitpid(bystander, &status, 0);
}

}  // namespace
}  // namespace webhookd
