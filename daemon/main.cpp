// paypro-webhookd: entry point.
#include <fmt/format.h>
#include <spdlog/spdlog.h>
#include <sys/resource.h>
#include <unistd.h>

#include <cstdio>
#include <string_view>
#include <vector>

#include "config/config_loader.hpp"
#include "core/version.hpp"
#include "daemon/backfill_command.hpp"
#include "daemon/cli.hpp"
#include "daemon/daemon.hpp"
#include "daemon/operator_commands.hpp"
#include "daemon/sql_check.hpp"
#include "daemon/logging.hpp"
#include "handlers/handler_factory.hpp"

namespace {

// Each connection is a descriptor: lift the soft limit to the hard one so
// that bursts of connections are not refused by a low default.
void RaiseDescriptorLimit() {
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur < limit.rlim_max) {
    limit.rlim_cur = limit.rlim_max;
    setrlimit(RLIMIT_NOFILE, &limit);
  }
}

}  // namespace

int main(int argc, char** argv) {
  using namespace webhookd;
  const std::vector<std::string_view> args(argv + 1, argv + argc);
  const EnvLookup env = ProcessEnvironment();
  auto command = ParseCommandLine(args, env);
  if (!command) {
    fmt::print(stderr, "paypro-webhookd: {}\n", command.error().reason);
    return kExitUsage;
  }
  switch (command->mode) {
    case CommandLine::Mode::kHelp:
      fmt::print("{}", UsageText());
      return kExitOk;
    case CommandLine::Mode::kVersion:
      fmt::print("paypro-webhookd {}\n", kVersion);
      return kExitOk;
    default:
      break;
  }
  auto config = LoadConfigFile(command->config_path, env);
  std::optional<DispatchTable> table;
  if (config) {
    // Handler definitions are part of a valid config.
    auto built = BuildDispatchTable(config->handlers);
    if (built) {
      table = std::move(*built);
    } else {
      config = built.take_error();
    }
  }
  if (!config) {
    fmt::print(stderr, "paypro-webhookd: invalid configuration: {}\n", config.error().detail);
    return kExitConfig;
  }
  switch (command->mode) {
    case CommandLine::Mode::kCheckConfig:
      for (const std::string& obsolete : config->obsolete) fmt::print(stderr, "paypro-webhookd: {}\n", obsolete);
      if (auto checked = CheckSqlStatements(*config, *table); !checked) {
        fmt::print(stderr, "paypro-webhookd: {}\n", checked.error().detail);
        return checked.error().code == ErrorCode::kConfig ? kExitConfig : kExitFailure;
      }
      fmt::print("{}: configuration is valid\n", command->config_path);
      return kExitOk;
    case CommandLine::Mode::kShowEvent:
      return ShowEvent(*config, command->event_id);
    case CommandLine::Mode::kListEvents:
      return ListEvents(*config, command->state, command->limit);
    case CommandLine::Mode::kRetryEvent:
      return RetryEventCommand(*config, command->event_id);
    case CommandLine::Mode::kRetryDead:
      return RetryDeadCommand(*config);
    case CommandLine::Mode::kBackfill: {
      ConfigureLogging(config->log);
      BackfillOptions options{command->since, command->until, command->dry_run, isatty(STDERR_FILENO) == 1};
      return RunBackfillCommand(*config, options, command->json);
    }
    default:
      break;
  }
  RaiseDescriptorLimit();
  ConfigureLogging(config->log);
  for (const std::string& obsolete : config->obsolete) spdlog::warn("{}", obsolete);
  return RunDaemon(*config, command->config_path, env);
}
