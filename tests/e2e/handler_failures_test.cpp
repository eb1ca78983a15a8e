// End to end: failing handlers: retries, dead letters, operator retries,
// hung programs, and reloads that must not break what runs.
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/stat.h>

#include <thread>

#include "tests/support/harness.hpp"
#include "tests/support/test_database.hpp"

namespace webhookd::testing {
namespace {

constexpr auto kSettle = std::chrono::seconds(60);

class HandlerFailures : public ::testing::Test {
 protected:
  void WriteScript(const std::string& name, const std::string& body) {
    WriteFile(dir_.File(name), "#!/bin/sh\n" + body);
    chmod(dir_.File(name).c_str(), 0755);
  }

  TempDir dir_;
  TestDatabase database_;
  Sandbox sandbox_{dir_};
};

TEST_F(HandlerFailures, DeadLetterThenRetryDeadFromTheCommandLine) {
  WriteScript("fulfil", "cat > /dev/null\nif [ -e " + dir_.File("fixed") + " ]; then echo \"$PAYPRO_EVENT_ID\" >> " +
                            dir_.File("done") + "; exit 0; fi\necho 'warehouse closed' >&2\nexit 3\n");
  DaemonOptions options{database_.url(), sandbox_.url()};
  options.handlers_yaml = fmt::format(
      "handlers:\n  - name: fulfil\n    on: [\"*\"]\n    exec: {{ argv: [\"{}\"], timeout_ms: 5000 }}\n"
      "    retry: {{ max_attempts: 3, initial_backoff_ms: 50, max_backoff_ms: 100 }}\n"
      "  - name: audit\n    on: [\"*\"]\n    log: {{}}\n",
      dir_.File("fulfil"));
  Daemon daemon(dir_, options);
  ASSERT_TRUE(daemon.Start()) << daemon.Output();
  const std::vector<std::string> events = sandbox_.CreateEvents(3, "payment.paid");
  for (const std::string& event : events) ASSERT_EQ(daemon.PostSigned(event).status, 200u);
  const std::string first = JsonString(events[0], "id");
  ASSERT_TRUE(Eventually([&] {
    return database_.Scalar("SELECT count(*) FROM paypro_events WHERE state = 'dead'") == "3";
  }, kSettle)) << daemon.Output().substr(0, 3000);

  const auto [shown_code, shown] = RunDaemonCommand(dir_, {"--config", daemon.config_path(), "--show-event", first});
  ASSERT_EQ(shown_code, 0);
  EXPECT_NE(shown.find("\"handler\" : \"fulfil\""), std::string::npos) << shown;
  EXPECT_NE(shown.find("warehouse closed"), std::string::npos) << shown;
  EXPECT_NE(shown.find("\"attempts\" : 3"), std::string::npos) << shown;
  const auto [dead_code, dead] =
      RunDaemonCommand(dir_, {"--config", daemon.config_path(), "--list-events", "--state", "dead"});
  EXPECT_EQ(dead_code, 0);
  EXPECT_EQ(std::count(dead.begin(), dead.end(), '\n'), 3);

  WriteFile(dir_.File("fixed"), "");
  const auto [one_code, one] = RunDaemonCommand(dir_, {"--config", daemon.config_path(), "--retry-event", first});
  EXPECT_EQ(one_code, 0) << one;
  ASSERT_TRUE(Eventually([&] { return database_.EventState(first) == "processed"; }, kSettle)) << daemon.Output();
  const auto [all_code, all] = RunDaemonCommand(dir_, {"--config", daemon.config_path(), "--retry-dead"});
  EXPECT_EQ(all_code, 0);
  EXPECT_NE(all.find("2 dead events"), std::string::npos) << all;
  ASSERT_TRUE(Eventually([&] {
    return database_.Scalar("SELECT count(*) FROM paypro_events WHERE state = 'processed'") == "3";
  }, kSettle));
  const std::string done = ReadFile(dir_.File("done"));
  for (const std::string& event : events) EXPECT_NE(done.find(JsonString(event, "id")), std::string::npos);
  // The log handler ran once per event: when the event's database work committed.
  for (const std::string& event : events) EXPECT_EQ(daemon.Dispatches(JsonString(event, "id")), 1);
  const auto [again_code, again] = RunDaemonCommand(dir_, {"--config", daemon.config_path(), "--retry-event", first});
  EXPECT_EQ(again_code, 1);
  EXPECT_NE(again.find("is processed"), std::string::npos) << again;
}

// One event's failing handler in a verifier round (the verifier processes
// rounds in its own transaction) undoes the round's effects back to a
// savepoint and keeps the claim: every other event's effect happens exactly
// once, by the processor, and the failing event ends dead with its error.
TEST_F(HandlerFailures, AFailingHandlerInAVerifierRoundLeavesNoEffectTwice) {
  database_.Scalar("CREATE TABLE effects (event_id text NOT NULL)");
  database_.Scalar("CREATE TABLE approvals (event_id text NOT NULL, approved boolean CHECK (approved))");
  const std::vector<std::string> events = sandbox_.CreateEvents(6, "payment.paid");
  const std::string refused = JsonString(events[2], "id");
  DaemonOptions options{database_.url(), sandbox_.url()};
  // One verifier and a long linger: the six events share a round.
  options.verifier_yaml = "verifier: { workers: 1, batch_size: 32, linger_ms: 500, max_backoff_s: 2 }\n";
  options.handlers_yaml = fmt::format(
      "handlers:\n"
      "  - name: effect\n    on: [\"*\"]\n    sql: \"INSERT INTO effects (event_id) VALUES (:id)\"\n"
      "  - name: approve\n    on: [\"*\"]\n"
      "    sql: \"INSERT INTO approvals (event_id, approved) VALUES (:id, :id <> '{}')\"\n"
      "    retry: {{ max_attempts: 2, initial_backoff_ms: 50, max_backoff_ms: 100 }}\n",
      refused);
  Daemon daemon(dir_, options);
  ASSERT_TRUE(daemon.Start()) << daemon.Output();
  for (const std::string& event : events) ASSERT_EQ(daemon.PostSigned(event).status, 200u);
  ASSERT_TRUE(Eventually([&] {
    return database_.Scalar("SELECT string_agg(state, ',' ORDER BY state) FROM paypro_events") ==
           "dead,processed,processed,processed,processed,processed";
  }, kSettle)) << database_.Scalar("SELECT string_agg(event_id || '=' || state, ',') FROM paypro_events")
               << daemon.Output().substr(0, 3000);
  EXPECT_EQ(database_.EventState(refused), "dead");
  EXPECT_NE(database_.Scalar(fmt::format("SELECT last_error FROM paypro_events WHERE event_id = '{}'", refused))
                .find("approve"),
            std::string::npos);
  EXPECT_EQ(database_.Scalar("SELECT count(*) FROM effects"), "5");
  EXPECT_EQ(database_.Scalar("SELECT count(DISTINCT event_id) FROM effects"), "5");
  EXPECT_EQ(database_.Scalar(fmt::format("SELECT count(*) FROM effects WHERE event_id = '{}'", refused)), "0");
  EXPECT_EQ(database_.Scalar("SELECT count(*) FROM approvals"), "5");
}

// A schema change that alters a prepared statement's result type makes it
// fail (0A000) on every connection that prepared it before, the verifier's
// included, where it travels in one message with the round's records: the
// round goes again one call at a time, which prepares it anew, and every event
// is processed once.
TEST_F(HandlerFailures, AStatementMadeStaleByASchemaChangeIsPreparedAnew) {
  database_.Scalar("CREATE TABLE orders (event_id text PRIMARY KEY)");
  DaemonOptions options{database_.url(), sandbox_.url()};
  options.verifier_yaml = "verifier: { workers: 1, batch_size: 32, max_backoff_s: 2 }\n";
  options.handlers_yaml =
      "handlers:\n"
      "  - name: order\n    on: [\"*\"]\n    sql: \"INSERT INTO orders (event_id) VALUES (:id) RETURNING *\"\n"
      "    retry: { max_attempts: 5, initial_backoff_ms: 50, max_backoff_ms: 100 }\n";
  Daemon daemon(dir_, options);
  ASSERT_TRUE(daemon.Start()) << daemon.Output();
  const std::vector<std::string> events = sandbox_.CreateEvents(5, "payment.paid");
  ASSERT_EQ(daemon.PostSigned(events[0]).status, 200u);
  ASSERT_TRUE(Eventually([&] { return database_.Scalar("SELECT count(*) FROM orders") == "1"; }, kSettle))
      << daemon.Output().substr(0, 3000);
  database_.Scalar("ALTER TABLE orders ADD COLUMN note text");
  for (size_t i = 1; i < events.size(); ++i) ASSERT_EQ(daemon.PostSigned(events[i]).status, 200u);
  ASSERT_TRUE(Eventually([&] {
    return database_.Scalar("SELECT string_agg(DISTINCT state, ',') FROM paypro_events") == "processed";
  }, kSettle)) << database_.Scalar("SELECT string_agg(event_id || '=' || state, ',') FROM paypro_events")
               << daemon.Output().substr(0, 3000);
  EXPECT_EQ(database_.Scalar("SELECT count(*) || ' ' || count(DISTINCT event_id) FROM orders"), "5 5");
}

TEST_F(HandlerFailures, HungProgramIsKilledWithItsChildrenAtTheTimeout) {
  WriteScript("hang", "cat > /dev/null\nsleep 60 &\necho $! > " + dir_.File("child.pid") + "\nwait\n");
  DaemonOptions options{database_.url(), sandbox_.url()};
  options.handlers_yaml = fmt::format(
      "handlers:\n  - name: hang\n    on: [\"*\"]\n    exec: {{ argv: [\"{}\"], timeout_ms: 500 }}\n"
      "    retry: {{ max_attempts: 1 }}\n",
      dir_.File("hang"));
  Daemon daemon(dir_, options);
  ASSERT_TRUE(daemon.Start()) << daemon.Output();
  const std::string event = sandbox_.CreateEvents(1).front();
  ASSERT_EQ(daemon.PostSigned(event).status, 200u);
  ASSERT_TRUE(Eventually([&] { return database_.EventState(JsonString(event, "id")) == "dead"; }, kSettle)) << daemon.Output();
  const pid_t child = std::stoi(ReadFile(dir_.File("child.pid")));
  EXPECT_TRUE(Eventually([&] { return kill(child, 0) != 0; }, std::chrono::seconds(5))) << "sleep survived";
  EXPECT_NE(database_.Scalar("SELECT last_error FROM paypro_handler_runs").find("timed out"), std::string::npos);
}

TEST_F(HandlerFailures, BadReloadKeepsTheRunningHandlers) {
  DaemonOptions options{database_.url(), sandbox_.url()};
  Daemon daemon(dir_, options);
  ASSERT_TRUE(daemon.Start()) << daemon.Output();
  const std::string good = ReadFile(daemon.config_path());
  WriteFile(daemon.config_path(), good + "  - name: broken\n    on: [payment.paid]\n    shell: {}\n");
  daemon.process().Signal(SIGHUP);
  ASSERT_TRUE(daemon.process().WaitForOutput("reload failed", std::chrono::seconds(10))) << daemon.Output();
  EXPECT_NE(daemon.Output().find("handlers[1]"), std::string::npos);

  const std::string event = sandbox_.CreateEvents(1).front();
  ASSERT_EQ(daemon.PostSigned(event).status, 200u);
  ASSERT_TRUE(Eventually([&] { return database_.EventState(JsonString(event, "id")) == "processed"; }, kSettle));
  EXPECT_EQ(daemon.Dispatches(JsonString(event, "id")), 1);

  // A valid edit is picked up without a signal (the file is watched) and
  // the new handler set is in force.
  WriteFile(daemon.config_path(), good.substr(0, good.find("handlers:")) +
                                      "handlers:\n  - name: quiet\n    on: [\"*\"]\n    notify: { channel: quiet }\n");
  ASSERT_TRUE(daemon.process().WaitForOutput("configuration reloaded", std::chrono::seconds(10))) << daemon.Output();
  const std::string later = sandbox_.CreateEvents(1).front();
  ASSERT_EQ(daemon.PostSigned(later).status, 200u);
  ASSERT_TRUE(Eventually([&] { return database_.EventState(JsonString(later, "id")) == "processed"; }, kSettle));
  EXPECT_EQ(daemon.Dispatches(JsonString(later, "id")), 0);
  EXPECT_TRUE(daemon.process().running());
}

}  // namespace
}  // namespace webhookd::testing
