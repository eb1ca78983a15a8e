// The command line, parsed into what to do.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "config/config_loader.hpp"
#include "core/result.hpp"

namespace webhookd {

inline constexpr std::string_view kDefaultConfigPath = "/etc/paypro-webhookd/config.yaml";

/// Exit codes (sysexits.h where one fits).
inline constexpr int kExitOk = 0;
inline constexpr int kExitFailure = 1;
inline constexpr int kExitUsage = 64;   ///< EX_USAGE: bad command line
inline constexpr int kExitConfig = 78;  ///< EX_CONFIG: invalid configuration

struct CommandLine {
  enum class Mode { kRun, kCheckConfig, kShowEvent, kListEvents, kRetryEvent, kRetryDead, kBackfill, kVersion, kHelp };
  Mode mode = Mode::kRun;
  std::string config_path;  ///< --config, else $PAYPRO_WEBHOOKD_CONFIG, else the default
  std::string event_id;     ///< --show-event, --retry-event
  std::optional<std::string> state;  ///< --list-events --state
  int limit = 100;                   ///< --list-events --limit
  std::optional<std::string> since;  ///< --backfill --since (RFC 3339)
  std::optional<std::string> until;  ///< --backfill --until (RFC 3339)
  bool dry_run = false;              ///< --backfill --dry-run
  bool json = false;                 ///< --backfill --json
};

/// Parses the arguments after the program name. Errors are kBadRequest with
/// a message for the user.
Result<CommandLine> ParseCommandLine(std::span<const std::string_view> args, const EnvLookup& env);

/// The --help text.
std::string_view UsageText();

}  // namespace webhookd
