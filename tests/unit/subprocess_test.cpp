// Tests for RunSubprocess: pipes, limits, descriptors and signals.
#include "handlers/subprocess.hpp"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <string>

namespace webhookd {
namespace {

using std::chrono::milliseconds;

SubprocessResult RunShell(const std::string& script, std::string input = {}) {
  SubprocessRequest request;
  request.argv = {"/bin/sh", "-c", script};
  request.input = std::move(input);
  request.timeout = milliseconds(20000);
  Result<SubprocessResult> result = RunSubprocess(request);
  EXPECT_TRUE(result.ok()) << (result.ok() ? "" : result.error().detail);
  return result.ok() ? std::move(result).value() : SubprocessResult{};
}

TEST(RunSubprocess, CapturesStdoutAndStderrApart) {
  const SubprocessResult result = RunShell("echo out; echo err >&2; exit 4");
  EXPECT_EQ(result.exit_code, 4);
  EXPECT_EQ(result.signal, 0);
  EXPECT_FALSE(result.timed_out);
  EXPECT_FALSE(result.succeeded());
  EXPECT_EQ(result.out.kept, "out\n");
  EXPECT_EQ(result.err.kept, "err\n");
}

TEST(RunSubprocess, KeepsTheStartOfHugeOutputAndCountsTheRest) {
  const SubprocessResult result = RunShell(
      "head -c 1048576 /dev/zero | tr '\\0' x; head -c 1048576 /dev/zero | tr '\\0' y >&2");
  EXPECT_TRUE(result.succeeded());
  EXPECT_EQ(result.out.kept, std::string(8192, 'x'));
  EXPECT_EQ(result.out.total_bytes, 1048576u);
  EXPECT_TRUE(result.out.truncated());
  EXPECT_EQ(result.err.kept, std::string(8192, 'y'));
  EXPECT_EQ(result.err.total_bytes, 1048576u);
}

TEST(RunSubprocess, PassesLargeInputThrough) {
  const std::string input(1 << 20, 'i');
  const SubprocessResult result = RunShell("wc -c", input);
  EXPECT_TRUE(result.succeeded());
  EXPECT_EQ(std::stoul(result.out.kept), input.size());
}

// The caller would die of SIGPIPE if the write were not guarded.
TEST(RunSubprocess, SurvivesAChildThatIgnoresItsStdin) {
  const SubprocessResult result = RunShell("exec 0<&-; exit 0", std::string(4 << 20, 'i'));
  EXPECT_TRUE(result.succeeded());
  sigset_t mask;
  pthread_sigmask(SIG_SETMASK, nullptr, &mask);
  EXPECT_FALSE(sigismember(&mask, SIGPIPE)) << "the thread's signal mask was not restored";
  sigset_t pending;
  sigpending(&pending);
  EXPECT_FALSE(sigismember(&pending, SIGPIPE));
}

TEST(RunSubprocess, ClosesDescriptorsTheChildShouldNotSee) {
  const int leaked = ::open("/dev/null", O_RDONLY);  // no O_CLOEXEC, as Asio's sockets
  ASSERT_GE(leaked, 3);
  const SubprocessResult result = RunShell("if [ -e /proc/$$/fd/" + std::to_string(leaked) +
                                           " ]; then echo open; else echo closed; fi");
  ::close(leaked);
  EXPECT_EQ(result.out.kept, "closed\n");
}

TEST(RunSubprocess, GivesTheChildDefaultSignalDispositions) {
  struct sigaction ignore {};
  struct sigaction previous {};
  ignore.sa_handler = SIG_IGN;
  sigaction(SIGUSR1, &ignore, &previous);
  const SubprocessResult result = RunShell("kill -USR1 $$; sleep 5");
  sigaction(SIGUSR1, &previous, nullptr);
  EXPECT_EQ(result.signal, SIGUSR1);
  EXPECT_FALSE(result.succeeded());
}

TEST(RunSubprocess, RunsTheChildInItsOwnProcessGroup) {
  const SubprocessResult result = RunShell("ps -o pgid= -p $$; ps -o pid= -p $$");
  const std::string& text = result.out.kept;
  const size_t newline = text.find('\n');
  ASSERT_NE(newline, std::string::npos) << text;
  EXPECT_EQ(std::stol(text.substr(0, newline)), std::stol(text.substr(newline + 1)));
  EXPECT_NE(std::stol(text.substr(0, newline)), static_cast<long>(::getpgrp()));
}

TEST(RunSubprocess, FailsToStartAMissingProgram) {
  SubprocessRequest request;
  request.argv = {"/nonexistent/program"};
  const Result<SubprocessResult> result = RunSubprocess(request);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().code, ErrorCode::kUnavailable);
  EXPECT_EQ(result.error().detail, "cannot start /nonexistent/program: No such file or directory");
}

TEST(RunSubprocess, FindsProgramsOnThePath) {
  SubprocessRequest request;
  request.argv = {"echo", "hello"};
  const Result<SubprocessResult> result = RunSubprocess(request);
  ASSERT_TRUE(result.ok()) << result.error().detail;
  EXPECT_EQ(result->out.kept, "hello\n");
}

}  // namespace
}  // namespace webhookd
