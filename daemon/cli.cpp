// Command-line parsing.
#include "daemon/cli.hpp"

#include <array>
#include <charconv>

#include "handlers/rfc3339.hpp"

namespace webhookd {

namespace {

constexpr std::array<std::string_view, 6> kStates = {"received", "verified", "processed", "rejected", "failed", "dead"};

Error Usage(std::string message) { return MakeError(ErrorCode::kBadRequest, std::move(message)); }

}  // namespace

std::string_view UsageText() {
  return R"(Usage: paypro-webhookd [--config FILE] [COMMAND]

Receives PayPro webhooks, verifies each event with PayPro's API, stores it in
PostgreSQL and hands it to the configured handlers, exactly once.

Options:
  --config FILE        configuration file (default: $PAYPRO_WEBHOOKD_CONFIG,
                       else /etc/paypro-webhookd/config.yaml)
Commands (default: run the daemon):
  --check-config       validate the configuration and exit (0 when valid)
  --show-event ID      print the stored record of one event as JSON (exit 1 if unknown)
  --list-events        print stored events, newest first, one JSON object per line
      --state STATE    only events in STATE (received, verified, processed,
                       rejected, failed, dead)
      --limit N        at most N events (default 100)
  --retry-event ID     put a failed or dead event back in line now
  --retry-dead         put every dead event back in line now
  --backfill           record events PayPro has but this database lacks (walks
                       GET /events newest to oldest), process them, and exit
      --since TIME     stop at events older than TIME (RFC 3339; default: where
                       the last completed backfill ended, minus 10 minutes)
      --until TIME     leave events newer than TIME alone
      --dry-run        only count what would be recorded; change nothing
      --json           print the summary as JSON on stdout
  --version            print the version
  --help               print this help
)";
}

Result<CommandLine> ParseCommandLine(std::span<const std::string_view> args, const EnvLookup& env) {
  CommandLine command;
  std::optional<std::string> config_path;
  bool has_list_options = false;
  bool has_backfill_options = false;
  const auto set_mode = [&](CommandLine::Mode mode) -> Status {
    if (command.mode != CommandLine::Mode::kRun) return Usage("give only one command");
    command.mode = mode;
    return Ok{};
  };
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string_view arg = args[i];
    const auto value = [&]() -> Result<std::string> {
      if (i + 1 >= args.size()) return Usage(std::string(arg) + " needs a value");
      return std::string(args[++i]);
    };
    Status status = Ok{};
    if (arg == "--config") {
      auto path = value();
      if (!path) return path.take_error();
      config_path = *path;
    } else if (arg == "--check-config") {
      status = set_mode(CommandLine::Mode::kCheckConfig);
    } else if (arg == "--show-event") {
      status = set_mode(CommandLine::Mode::kShowEvent);
      auto id = value();
      if (!id) return id.take_error();
      command.event_id = *id;
    } else if (arg == "--retry-event") {
      status = set_mode(CommandLine::Mode::kRetryEvent);
      auto id = value();
      if (!id) return id.take_error();
      command.event_id = *id;
    } else if (arg == "--retry-dead") {
      status = set_mode(CommandLine::Mode::kRetryDead);
    } else if (arg == "--list-events") {
      status = set_mode(CommandLine::Mode::kListEvents);
    } else if (arg == "--state") {
      auto state = value();
      if (!state) return state.take_error();
      if (std::find(kStates.begin(), kStates.end(), *state) == kStates.end()) {
        return Usage("unknown state '" + *state + "' (received, verified, processed, rejected, failed, dead)");
      }
      command.state = *state;
      has_list_options = true;
    } else if (arg == "--limit") {
      auto text = value();
      if (!text) return text.take_error();
      const auto [end, error] = std::from_chars(text->data(), text->data() + text->size(), command.limit);
      if (error != std::errc() || end != text->data() + text->size() || command.limit < 1) {
        return Usage("--limit needs a positive number");
      }
      has_list_options = true;
    } else if (arg == "--backfill") {
      status = set_mode(CommandLine::Mode::kBackfill);
    } else if (arg == "--since" || arg == "--until") {
      auto time = value();
      if (!time) return time.take_error();
      if (!ParseRfc3339(*time)) return Usage(std::string(arg) + " needs an RFC 3339 time like 2024-05-01T00:00:00Z");
      (arg == "--since" ? command.since : command.until) = *time;
      has_backfill_options = true;
    } else if (arg == "--dry-run") {
      command.dry_run = true;
      has_backfill_options = true;
    } else if (arg == "--json") {
      command.json = true;
      has_backfill_options = true;
    } else if (arg == "--version") {
      status = set_mode(CommandLine::Mode::kVersion);
    } else if (arg == "--help" || arg == "-h") {
      status = set_mode(CommandLine::Mode::kHelp);
    } else {
      return Usage("unknown argument '" + std::string(arg) + "' (see --help)");
    }
    if (!status) return status.take_error();
  }
  if (has_list_options && command.mode != CommandLine::Mode::kListEvents) {
    return Usage("--state and --limit go with --list-events");
  }
  if (has_backfill_options && command.mode != CommandLine::Mode::kBackfill) {
    return Usage("--since, --until, --dry-run and --json go with --backfill");
  }
  command.config_path = config_path ? *config_path
                                    : env("PAYPRO_WEBHOOKD_CONFIG").value_or(std::string(kDefaultConfigPath));
  return command;
}

}  // namespace webhookd
