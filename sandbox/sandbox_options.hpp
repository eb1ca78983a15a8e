// The command line of paypro-sandbox, parsed into plain values.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.hpp"
#include "core/url.hpp"
#include "sandbox/sandbox_config.hpp"

namespace webhookd::sandbox {

/// `paypro-sandbox trigger ...`: asks a running sandbox to deliver events.
struct TriggerOptions {
  Url sandbox;     ///< the sandbox's base URL
  std::string to;  ///< where the webhooks go
  int64_t count = 1;
  std::string type = "mixed";
  int64_t concurrency = 8;
  bool wait = false;  ///< poll until nothing is pending, then print the summary
};

struct Command {
  enum class Kind : uint8_t { kHelp, kVersion, kServe, kTrigger };
  Kind kind = Kind::kHelp;
  SandboxConfig serve;
  TriggerOptions trigger;
};

/// Reads an environment variable; nullopt when unset.
using EnvLookup = std::function<std::optional<std::string>(std::string_view name)>;

/// Parses the arguments after argv[0]. kConfig with a readable message for
/// unknown flags, missing or malformed values. `--api-key` and
/// `--webhook-secret` fall back to PAYPRO_SANDBOX_API_KEY and
/// PAYPRO_SANDBOX_WEBHOOK_SECRET.
Result<Command> ParseCommandLine(const std::vector<std::string>& args, const EnvLookup& env);

/// The --help text.
std::string_view UsageText();

}  // namespace webhookd::sandbox
