// Tests for command-line parsing: modes, defaults, config path, validation.
#include "daemon/cli.hpp"

#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

namespace webhookd {
namespace {

using Mode = CommandLine::Mode;

EnvLookup FakeEnv(std::map<std::string, std::string> values) {
  return [values = std::move(values)](std::string_view name) -> std::optional<std::string> {
    const auto found = values.find(std::string(name));
    if (found == values.end()) return std::nullopt;
    return found->second;
  };
}

Result<CommandLine> Parse(std::vector<std::string_view> args, const EnvLookup& env = FakeEnv({})) {
  return ParseCommandLine(args, env);
}

CommandLine ParseOk(std::vector<std::string_view> args, const EnvLookup& env = FakeEnv({})) {
  Result<CommandLine> command = Parse(args, env);
  EXPECT_TRUE(command.ok()) << (command.ok() ? "" : command.error().reason);
  return command.ok() ? *command : CommandLine{};
}

std::string UsageError(std::vector<std::string_view> args) {
  Result<CommandLine> command = Parse(args);
  EXPECT_FALSE(command.ok());
  if (command.ok()) return "accepted";
  EXPECT_EQ(command.error().code, ErrorCode::kBadRequest);
  return command.error().reason;
}

TEST(ParseCommandLine, NoArgumentsRunsWithDefaults) {
  const CommandLine command = ParseOk({});
  EXPECT_EQ(command.mode, Mode::kRun);
  EXPECT_EQ(command.config_path, "/etc/paypro-webhookd/config.yaml");
  EXPECT_EQ(command.config_path, kDefaultConfigPath);
  EXPECT_EQ(command.event_id, "");
  EXPECT_FALSE(command.state.has_value());
  EXPECT_EQ(command.limit, 100);
}

TEST(ParseCommandLine, ConfigFlagWinsOverEnvironment) {
  const auto env = FakeEnv({{"PAYPRO_WEBHOOKD_CONFIG", "/from/env.yaml"}});
  EXPECT_EQ(ParseOk({"--config", "/from/flag.yaml"}, env).config_path, "/from/flag.yaml");
}

TEST(ParseCommandLine, EnvironmentWinsOverDefault) {
  const auto env = FakeEnv({{"PAYPRO_WEBHOOKD_CONFIG", "/from/env.yaml"}});
  EXPECT_EQ(ParseOk({}, env).config_path, "/from/env.yaml");
  EXPECT_EQ(ParseOk({"--check-config"}, env).config_path, "/from/env.yaml");
}

TEST(ParseCommandLine, OtherVariablesDoNotChangeTheConfigPath) {
  const auto env = FakeEnv({{"PAYPRO_WEBHOOKD_CONFIGX", "/x.yaml"}, {"CONFIG", "/y.yaml"}});
  EXPECT_EQ(ParseOk({}, env).config_path, kDefaultConfigPath);
}

TEST(ParseCommandLine, LastConfigFlagWins) {
  EXPECT_EQ(ParseOk({"--config", "/a.yaml", "--config", "/b.yaml"}).config_path, "/b.yaml");
}

TEST(ParseCommandLine, ConfigMayComeAfterTheCommand) {
  const CommandLine command = ParseOk({"--check-config", "--config", "/c.yaml"});
  EXPECT_EQ(command.mode, Mode::kCheckConfig);
  EXPECT_EQ(command.config_path, "/c.yaml");
}

TEST(ParseCommandLine, CheckConfig) { EXPECT_EQ(ParseOk({"--check-config"}).mode, Mode::kCheckConfig); }

TEST(ParseCommandLine, ShowEventTakesAnId) {
  const CommandLine command = ParseOk({"--show-event", "EVYK7KCFJAXA23UKSG"});
  EXPECT_EQ(command.mode, Mode::kShowEvent);
  EXPECT_EQ(command.event_id, "EVYK7KCFJAXA23UKSG");
}

TEST(ParseCommandLine, ListEventsWithDefaults) {
  const CommandLine command = ParseOk({"--list-events"});
  EXPECT_EQ(command.mode, Mode::kListEvents);
  EXPECT_FALSE(command.state.has_value());
  EXPECT_EQ(command.limit, 100);
}

TEST(ParseCommandLine, ListEventsWithStateAndLimitInAnyOrder) {
  CommandLine command = ParseOk({"--list-events", "--state", "failed", "--limit", "5"});
  EXPECT_EQ(command.mode, Mode::kListEvents);
  EXPECT_EQ(command.state, "failed");
  EXPECT_EQ(command.limit, 5);
  command = ParseOk({"--limit", "1", "--state", "dead", "--list-events"});
  EXPECT_EQ(command.mode, Mode::kListEvents);
  EXPECT_EQ(command.state, "dead");
  EXPECT_EQ(command.limit, 1);
}

TEST(ParseCommandLine, AcceptsEveryDocumentedState) {
  for (const std::string_view state : {"received", "verified", "processed", "rejected", "failed", "dead"}) {
    EXPECT_EQ(ParseOk({"--list-events", "--state", state}).state, state);
  }
}

TEST(ParseCommandLine, RejectsUnknownState) {
  for (const std::string_view state : {"Received", "done", "", "received "}) {
    EXPECT_EQ(UsageError({"--list-events", "--state", state}),
              "unknown state '" + std::string(state) + "' (received, verified, processed, rejected, failed, dead)");
  }
}

TEST(ParseCommandLine, RejectsBadLimits) {
  for (const std::string_view limit : {"0", "-1", "abc", "5x", "", " 5", "1.5", "99999999999"}) {
    EXPECT_EQ(UsageError({"--list-events", "--limit", limit}), "--limit needs a positive number") << limit;
  }
}

TEST(ParseCommandLine, StateAndLimitNeedListEvents) {
  EXPECT_EQ(UsageError({"--state", "failed"}), "--state and --limit go with --list-events");
  EXPECT_EQ(UsageError({"--limit", "5"}), "--state and --limit go with --list-events");
  EXPECT_EQ(UsageError({"--show-event", "EVABCD", "--state", "failed"}), "--state and --limit go with --list-events");
  EXPECT_EQ(UsageError({"--check-config", "--limit", "5"}), "--state and --limit go with --list-events");
}

TEST(ParseCommandLine, VersionAndHelp) {
  EXPECT_EQ(ParseOk({"--version"}).mode, Mode::kVersion);
  EXPECT_EQ(ParseOk({"--help"}).mode, Mode::kHelp);
  EXPECT_EQ(ParseOk({"-h"}).mode, Mode::kHelp);
}

TEST(ParseCommandLine, RejectsTwoCommands) {
  EXPECT_EQ(UsageError({"--check-config", "--version"}), "give only one command");
  EXPECT_EQ(UsageError({"--list-events", "--show-event", "EVABCD"}), "give only one command");
  EXPECT_EQ(UsageError({"--help", "--help"}), "give only one command");
  EXPECT_EQ(UsageError({"--list-events", "--list-events"}), "give only one command");
}

TEST(ParseCommandLine, RejectsMissingValues) {
  EXPECT_EQ(UsageError({"--config"}), "--config needs a value");
  EXPECT_EQ(UsageError({"--show-event"}), "--show-event needs a value");
  EXPECT_EQ(UsageError({"--list-events", "--state"}), "--state needs a value");
  EXPECT_EQ(UsageError({"--list-events", "--limit"}), "--limit needs a value");
}

TEST(ParseCommandLine, RejectsUnknownArguments) {
  EXPECT_EQ(UsageError({"--verbose"}), "unknown argument '--verbose' (see --help)");
  EXPECT_EQ(UsageError({"run"}), "unknown argument 'run' (see --help)");
  EXPECT_EQ(UsageError({"--config=/a.yaml"}), "unknown argument '--config=/a.yaml' (see --help)");
  EXPECT_EQ(UsageError({"--check-config", "extra"}), "unknown argument 'extra' (see --help)");
}

TEST(UsageText, NamesEveryOption) {
  const std::string_view text = UsageText();
  for (const std::string_view option : {"--config", "--check-config", "--show-event", "--list-events", "--state",
                                        "--limit", "--version", "--help", "PAYPRO_WEBHOOKD_CONFIG"}) {
    EXPECT_NE(text.find(option), std::string_view::npos) << option;
  }
}

}  // namespace
}  // namespace webhookd
