// Tests for the exec handler kind, running real shell scripts from a temp dir.
#include "handlers/exec_handler.hpp"

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <utility>
#include <vector>

namespace webhookd {
namespace {

using std::chrono::milliseconds;
using Clock = std::chrono::steady_clock;
using Kind = HandlerOutcome::Kind;

constexpr std::string_view kEventJson =
    R"({"id":"EVYK7KCFJAXA23UKSG","type":"event","event_type":"payment.paid",)"
    R"("created_at":"2023-06-30T12:44:36Z","payload":{"id":"PPH25H07JYWLR7PA82","type":"payment",)"
    R"("amount":1000,"metadata":{"order_id":"1042"}}})";

std::string ReadFile(const std::string& path) {
  std::ifstream file(path);
  std::ostringstream text;
  text << file.rdbuf();
  return text.str();
}

// True when `pid` no longer runs: gone, or a zombie waiting for a reaper
// that is not us (killed grandchildren are reparented).
bool Gone(pid_t pid) {
  if (::kill(pid, 0) != 0 && errno == ESRCH) return true;
  const std::string stat = ReadFile("/proc/" + std::to_string(pid) + "/stat");
  const size_t after_name = stat.rfind(')');
  return after_name != std::string::npos && stat.size() > after_name + 2 &&
         stat[after_name + 2] == 'Z';
}

bool GoneWithin(pid_t pid, milliseconds limit) {
  const auto deadline = Clock::now() + limit;
  while (!Gone(pid)) {
    if (Clock::now() > deadline) return false;
    std::this_thread::sleep_for(milliseconds(20));
  }
  return true;
}

// True when this process has no child left unreaped.
bool NoZombies() {
  int status = 0;
  const pid_t reaped = ::waitpid(-1, &status, WNOHANG);
  return reaped == 0 || (reaped < 0 && errno == ECHILD);
}

class ExecHandlerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char pattern[] = "/tmp/exec_handler_test.XXXXXX";
    ASSERT_NE(::mkdtemp(pattern), nullptr);
    dir_ = pattern;
    Result<Event> event = DecodeEvent(kEventJson);
    ASSERT_TRUE(event.ok()) << event.error().detail;
    event_ = std::move(event).value();
    fields_.emplace(std::move(EventFields::Parse(kEventJson)).value());
  }

  void TearDown() override { std::filesystem::remove_all(dir_); }

  // An executable /bin/sh script in the temp dir; returns its path.
  std::string Script(const std::string& name, const std::string& body) {
    const std::string path = dir_ + "/" + name;
    {
      std::ofstream file(path);
      file << "#!/bin/sh\n" << body << "\n";
    }
    std::filesystem::permissions(path, std::filesystem::perms::owner_all);
    return path;
  }

  ExecHandlerSpec Spec(std::vector<std::string> argv,
                       milliseconds timeout = milliseconds(10000)) const {
    ExecHandlerSpec spec;
    spec.argv = std::move(argv);
    spec.timeout = timeout;
    return spec;
  }

  HandlerOutcome Run(const ExecHandlerSpec& spec) {
    ExecHandler handler(HandlerSettings{"script", {}, {}}, spec);
    return handler.Handle(HandlerCall{event_, *fields_, nullptr});
  }

  std::string dir_;
  Event event_;
  std::optional<EventFields> fields_;
};

TEST_F(ExecHandlerTest, IsDoneWhenTheProgramExitsZero) {
  ExecHandler handler(HandlerSettings{"script", {}, {}}, Spec({Script("ok.sh", "exit 0")}));
  EXPECT_EQ(handler.phase(), HandlerPhase::kOutside);
  const HandlerOutcome outcome = handler.Handle(HandlerCall{event_, *fields_, nullptr});
  EXPECT_EQ(outcome.kind, Kind::kDone) << outcome.error;
  EXPECT_TRUE(NoZombies());
}

TEST_F(ExecHandlerTest, RetriesWithExitStatusAndStderrOnFailure) {
  const std::string script =
      Script("fail.sh", "echo 'order 1042 unknown' >&2\necho second line >&2\nexit 3");
  const HandlerOutcome outcome = Run(Spec({script}));
  EXPECT_EQ(outcome.kind, Kind::kRetry);
  EXPECT_NE(outcome.error.find("exec " + script + ": exit 3: order 1042 unknown | second line"),
            std::string::npos)
      << outcome.error;
  EXPECT_EQ(outcome.retry_after, std::nullopt);
}

TEST_F(ExecHandlerTest, FeedsTheEventJsonOnStdin) {
  const std::string copy = dir_ + "/stdin.json";
  EXPECT_EQ(Run(Spec({Script("cat.sh", "cat > \"$1\""), copy})).kind, Kind::kDone);
  EXPECT_EQ(ReadFile(copy), kEventJson);
}

TEST_F(ExecHandlerTest, AddsEventVariablesToTheDaemonsEnvironment) {
  ::setenv("WEBHOOKD_TEST_INHERITED", "kept", 1);
  ::setenv("PAYPRO_EVENT_ID", "stale", 1);
  const std::string out = dir_ + "/env.txt";
  const std::string script =
      Script("env.sh",
             "printf '%s\\n' \"$PAYPRO_EVENT_ID\" \"$PAYPRO_EVENT_TYPE\" \"$PAYPRO_RESOURCE_ID\" "
             "\"$PAYPRO_RESOURCE_TYPE\" \"$WEBHOOKD_TEST_INHERITED\" > \"$1\"\n"
             "env | grep -c '^PAYPRO_EVENT_ID=' >> \"$1\"");
  const HandlerOutcome outcome = Run(Spec({script, out}));
  ::unsetenv("WEBHOOKD_TEST_INHERITED");
  ::unsetenv("PAYPRO_EVENT_ID");
  EXPECT_EQ(outcome.kind, Kind::kDone) << outcome.error;
  EXPECT_EQ(ReadFile(out),
            "EVYK7KCFJAXA23UKSG\npayment.paid\nPPH25H07JYWLR7PA82\npayment\nkept\n1\n");
}

TEST_F(ExecHandlerTest, SubstitutesPlaceholdersPerArgumentWithoutAShell) {
  const std::string out = dir_ + "/args.txt";
  const std::string script = Script(
      "args.sh", "out=$1; shift; for a in \"$@\"; do printf '[%s]\\n' \"$a\"; done > \"$out\"");
  const HandlerOutcome outcome =
      Run(Spec({script, out, "{payload.metadata.order_id}", "--order={payload.metadata.order_id}",
                "{payload.missing}", "{{literal}", "two words; $(id)", "{payload.amount}"}));
  EXPECT_EQ(outcome.kind, Kind::kDone) << outcome.error;
  EXPECT_EQ(ReadFile(out), "[1042]\n[--order=1042]\n[]\n[{literal}]\n[two words; $(id)]\n[1000]\n");
}

TEST_F(ExecHandlerTest, KillsTheWholeProcessGroupAtTheTimeout) {
  const std::string child_pid_file = dir_ + "/child.pid";
  const std::string own_pid_file = dir_ + "/own.pid";
  const std::string script =
      Script("hang.sh", "sleep 60 &\necho $! > \"$1\"\necho $$ > \"$2\"\nsleep 60");
  const auto started = Clock::now();
  const HandlerOutcome outcome =
      Run(Spec({script, child_pid_file, own_pid_file}, milliseconds(300)));
  const auto took = Clock::now() - started;
  EXPECT_EQ(outcome.kind, Kind::kRetry);
  EXPECT_NE(outcome.error.find("timed out after 300 ms"), std::string::npos) << outcome.error;
  EXPECT_GE(took, milliseconds(300));
  EXPECT_LT(took, milliseconds(5000));
  const std::string child_pid = ReadFile(child_pid_file);
  const std::string own_pid = ReadFile(own_pid_file);
  ASSERT_FALSE(child_pid.empty()) << "the script did not get to start its child within 300 ms";
  ASSERT_FALSE(own_pid.empty());
  EXPECT_TRUE(GoneWithin(std::stoi(child_pid), milliseconds(2000)))
      << "background child " << child_pid;
  EXPECT_TRUE(Gone(std::stoi(own_pid)));
  EXPECT_TRUE(NoZombies());
}

TEST_F(ExecHandlerTest, DoesNotBlockOnHugeOutput) {
  const std::string script = Script("loud.sh",
                                    "head -c 1048576 /dev/zero | tr '\\0' x\n"
                                    "head -c 1048576 /dev/zero | tr '\\0' y >&2\nexit 5");
  const auto started = Clock::now();
  const HandlerOutcome outcome = Run(Spec({script}, milliseconds(20000)));
  EXPECT_LT(Clock::now() - started, milliseconds(10000));
  EXPECT_EQ(outcome.kind, Kind::kRetry);
  EXPECT_NE(outcome.error.find("exit 5: yyyy"), std::string::npos) << outcome.error.substr(0, 200);
  EXPECT_LT(outcome.error.size(), 1000u);
}

TEST_F(ExecHandlerTest, RetriesWhenTheProgramCannotStart) {
  const HandlerOutcome outcome = Run(Spec({dir_ + "/missing.sh"}));
  EXPECT_EQ(outcome.kind, Kind::kRetry);
  EXPECT_NE(outcome.error.find("cannot start " + dir_ + "/missing.sh: No such file or directory"),
            std::string::npos)
      << outcome.error;
}

TEST_F(ExecHandlerTest, NamesTheSignalThatEndedTheProgram) {
  const HandlerOutcome outcome = Run(Spec({Script("term.sh", "kill -TERM $$\nsleep 5")}));
  EXPECT_EQ(outcome.kind, Kind::kRetry);
  EXPECT_NE(outcome.error.find("killed by SIGTERM"), std::string::npos) << outcome.error;
}

// Each run records when it started and ended; the recorded intervals lie
// within the real runs, so their overlap cannot exceed the real one.
TEST_F(ExecHandlerTest, RunsAtMostMaxConcurrencyAtOnce) {
  const std::string script = Script(
      "slow.sh", "s=$(date +%s%N)\nsleep 0.5\ne=$(date +%s%N)\necho \"$s $e\" > \"$1/run.$$\"");
  ExecHandlerSpec spec = Spec({script, dir_});
  spec.max_concurrency = 2;
  ExecHandler handler(HandlerSettings{"script", {}, {}}, spec);
  std::atomic<int> done{0};
  std::vector<std::thread> callers;
  for (int i = 0; i < 6; ++i) {
    callers.emplace_back([&] {
      done += handler.Handle(HandlerCall{event_, *fields_, nullptr}).kind == Kind::kDone;
    });
  }
  for (std::thread& caller : callers) caller.join();
  EXPECT_EQ(done.load(), 6);

  std::vector<std::pair<long long, int>> edges;  // (time, +1 start / -1 end), ends first on ties
  for (const auto& entry : std::filesystem::directory_iterator(dir_)) {
    if (entry.path().filename().string().rfind("run.", 0) != 0) continue;
    std::istringstream times(ReadFile(entry.path()));
    long long start = 0;
    long long end = 0;
    times >> start >> end;
    edges.push_back({start, 1});
    edges.push_back({end, -1});
  }
  ASSERT_EQ(edges.size(), 12u);
  std::sort(edges.begin(), edges.end());
  int running = 0;
  int most = 0;
  for (const auto& edge : edges) most = std::max(most, running += edge.second);
  EXPECT_LE(most, 2);
  // Two slots are used side by side, not one after the other.
  EXPECT_EQ(most, 2);
  EXPECT_TRUE(NoZombies());
}

// The handler runner claims no run of a saturated handler: a worker that
// waited for a slot of a hung program was lost to every other handler.
TEST_F(ExecHandlerTest, IsSaturatedWhileEverySlotIsTaken) {
  const std::string gate = dir_ + "/gate";
  ExecHandlerSpec spec = Spec({Script("gated.sh", "while [ ! -e \"$1\" ]; do sleep 0.02; done"), gate});
  spec.max_concurrency = 2;
  ExecHandler handler(HandlerSettings{"script", {}, {}}, spec);
  EXPECT_FALSE(handler.Saturated());
  std::vector<std::thread> callers;
  callers.emplace_back([&] { handler.Handle(HandlerCall{event_, *fields_, nullptr}); });
  EXPECT_FALSE(handler.Saturated());
  callers.emplace_back([&] { handler.Handle(HandlerCall{event_, *fields_, nullptr}); });
  const auto deadline = Clock::now() + milliseconds(5000);
  while (!handler.Saturated() && Clock::now() < deadline) std::this_thread::sleep_for(milliseconds(10));
  EXPECT_TRUE(handler.Saturated());
  std::ofstream{gate};
  for (std::thread& caller : callers) caller.join();
  EXPECT_FALSE(handler.Saturated());
  EXPECT_TRUE(NoZombies());
}

TEST(ValidateExecSpec, AcceptsAProgramWithPlaceholderArguments) {
  ExecHandlerSpec spec;
  spec.argv = {"/usr/local/bin/ship", "--order={payload.metadata.order_id}"};
  EXPECT_TRUE(ValidateExecSpec(spec).ok());
}

TEST(ValidateExecSpec, RejectsWhatCannotRunSafely) {
  const auto rejected = [](std::vector<std::string> argv, milliseconds timeout, int concurrency) {
    ExecHandlerSpec spec{std::move(argv), timeout, concurrency};
    const Status valid = ValidateExecSpec(spec);
    return valid.ok() ? std::string() : valid.error().detail;
  };
  EXPECT_NE(rejected({}, milliseconds(1000), 1).find("argv"), std::string::npos);
  EXPECT_NE(rejected({""}, milliseconds(1000), 1).find("argv"), std::string::npos);
  EXPECT_NE(rejected({"/bin/{payload.id}"}, milliseconds(1000), 1).find("argv[0]"),
            std::string::npos);
  EXPECT_NE(rejected({"/bin/true", "{unclosed"}, milliseconds(1000), 1).find("argv[1]"),
            std::string::npos);
  EXPECT_NE(rejected({"/bin/true"}, milliseconds(0), 1).find("timeout"), std::string::npos);
  EXPECT_NE(rejected({"/bin/true"}, milliseconds(1000), 0).find("max_concurrency"),
            std::string::npos);
  EXPECT_THROW(
      ExecHandler(HandlerSettings{"x", {}, {}}, ExecHandlerSpec{{}, milliseconds(1000), 1}),
      std::invalid_argument);
}

TEST(DescribeFailure, BoundsTheStderrExcerpt) {
  SubprocessResult result;
  result.exit_code = 1;
  result.err.kept = "first\n\nsecond\nthird\nfourth\n";
  EXPECT_EQ(DescribeFailure("/bin/x", result, milliseconds(1000)),
            "exec /bin/x: exit 1: first | second | third ...");
  result.err.kept = std::string(5000, 'e');
  EXPECT_LT(DescribeFailure("/bin/x", result, milliseconds(1000)).size(), 500u);
  result.err.kept.clear();
  EXPECT_EQ(DescribeFailure("/bin/x", result, milliseconds(1000)), "exec /bin/x: exit 1");
}

TEST(EventEnvironment, NamesIdTypeAndResource) {
  Event event;
  event.id = "EVYK7KCFJAXA23UKSG";
  event.type_name = "payment.paid";
  event.resource_id = "PPH25H07JYWLR7PA82";
  event.resource_type = "payment";
  EXPECT_EQ(EventEnvironment(event),
            (std::vector<std::string>{
                "PAYPRO_EVENT_ID=EVYK7KCFJAXA23UKSG", "PAYPRO_EVENT_TYPE=payment.paid",
                "PAYPRO_RESOURCE_ID=PPH25H07JYWLR7PA82", "PAYPRO_RESOURCE_TYPE=payment"}));
}

}  // namespace
}  // namespace webhookd
