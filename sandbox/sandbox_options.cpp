// Command-line parsing: `--flag value` and `--flag=value`, strict values.
#include "sandbox/sandbox_options.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstring>
#include <map>

#include "sandbox/control_requests.hpp"

namespace webhookd::sandbox {

namespace {

constexpr std::string_view kUsage =
    R"(paypro-sandbox: a stand-in for PayPro's API and webhook deliveries

Usage:
  paypro-sandbox serve --listen 127.0.0.1:8090 --api-key KEY --webhook-secret SECRET
                       [--public-url URL] [--threads N] [--seed N]
                       [--latency-ms N] [--list-latency-ms N] [--error-rate F] [--timeout-rate F]
                       [--rate-limit-rate F] [--retry-after-s N] [--drop-rate F]
                       [--duplicate-rate F] [--max-delivery-attempts N]
                       [--webhook-ca-file PEM]
  paypro-sandbox trigger --sandbox http://127.0.0.1:8090 --to URL [--count N] [--type T]
                         [--concurrency N] [--wait]
  paypro-sandbox --help | --version

--api-key and --webhook-secret may come from PAYPRO_SANDBOX_API_KEY and
PAYPRO_SANDBOX_WEBHOOK_SECRET. --webhook-ca-file trusts more CA certificates
(a self-signed one, say) when delivering to https:// targets. Types: mixed,
lifecycle, or one event type such as payment.paid.
)";

Error Bad(std::string message) { return MakeError(ErrorCode::kConfig, std::move(message)); }

Status ParseInt(std::string_view flag, std::string_view text, int64_t low, int64_t high,
                int64_t& out) {
  int64_t value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || error != std::errc() || end != text.data() + text.size() || value < low ||
      value > high) {
    return Bad(
        fmt::format("{} needs a whole number from {} to {}, not '{}'", flag, low, high, text));
  }
  out = value;
  return Ok{};
}

Status ParseRate(std::string_view flag, std::string_view text, double& out) {
  double value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || error != std::errc() || end != text.data() + text.size() ||
      !(value >= 0 && value <= 1)) {
    return Bad(fmt::format("{} needs a fraction from 0 to 1, not '{}'", flag, text));
  }
  out = value;
  return Ok{};
}

using Setter =
    std::function<Status(std::string_view flag, std::string_view value, Command& command)>;

Setter Int(int64_t low, int64_t high, int64_t Faults::*field) {
  return [=](std::string_view flag, std::string_view value, Command& command) {
    return ParseInt(flag, value, low, high, command.serve.faults.*field);
  };
}

Setter Rate(double Faults::*field) {
  return [=](std::string_view flag, std::string_view value, Command& command) {
    return ParseRate(flag, value, command.serve.faults.*field);
  };
}

const std::map<std::string_view, Setter>& ServeFlags() {
  static const std::map<std::string_view, Setter> flags = {
      {"--listen",
       [](std::string_view flag, std::string_view value, Command& command) -> Status {
         auto listen = ParseHostPort(value);
         if (!listen) return Bad(fmt::format("{}: {}", flag, listen.error().reason));
         command.serve.listen = *listen;
         return Ok{};
       }},
      {"--api-key",
       [](std::string_view, std::string_view value, Command& command) -> Status {
         command.serve.api_key = Secret(std::string(value));
         return Ok{};
       }},
      {"--webhook-secret",
       [](std::string_view, std::string_view value, Command& command) -> Status {
         command.serve.webhook_secret = Secret(std::string(value));
         return Ok{};
       }},
      {"--public-url",
       [](std::string_view flag, std::string_view value, Command& command) -> Status {
         if (!ParseUrl(value)) return Bad(fmt::format("{} needs an http(s) URL", flag));
         command.serve.public_url = std::string(value);
         return Ok{};
       }},
      {"--webhook-ca-file",
       [](std::string_view flag, std::string_view value, Command& command) -> Status {
         // Checked now: the delivery threads load it, and could only fail there.
         const std::string path(value);
         if (::access(path.c_str(), R_OK) != 0) {
           return Bad(fmt::format("{}: cannot read {}: {}", flag, path, std::strerror(errno)));
         }
         command.serve.webhook_ca_file = path;
         return Ok{};
       }},
      {"--threads",
       [](std::string_view flag, std::string_view value, Command& command) -> Status {
         int64_t threads = 0;
         if (Status ok = ParseInt(flag, value, 1, 64, threads); !ok) return ok;
         command.serve.threads = static_cast<size_t>(threads);
         return Ok{};
       }},
      {"--seed",
       [](std::string_view flag, std::string_view value, Command& command) -> Status {
         int64_t seed = 0;
         if (Status ok = ParseInt(flag, value, 0, INT64_MAX, seed); !ok) return ok;
         command.serve.seed = static_cast<uint64_t>(seed);
         return Ok{};
       }},
      {"--latency-ms", Int(0, 600000, &Faults::latency_ms)},
      {"--list-latency-ms", Int(0, 600000, &Faults::list_latency_ms)},
      {"--retry-after-s", Int(0, 3600, &Faults::retry_after_s)},
      {"--max-delivery-attempts", Int(1, 100, &Faults::max_delivery_attempts)},
      {"--error-rate", Rate(&Faults::error_rate)},
      {"--timeout-rate", Rate(&Faults::timeout_rate)},
      {"--rate-limit-rate", Rate(&Faults::rate_limit_rate)},
      {"--drop-rate", Rate(&Faults::drop_rate)},
      {"--duplicate-rate", Rate(&Faults::duplicate_rate)},
  };
  return flags;
}

const std::map<std::string_view, Setter>& TriggerFlags() {
  static const std::map<std::string_view, Setter> flags = {
      {"--sandbox",
       [](std::string_view flag, std::string_view value, Command& command) -> Status {
         auto url = ParseUrl(value);
         if (!url) return Bad(fmt::format("{} needs an http(s) URL", flag));
         command.trigger.sandbox = *url;
         return Ok{};
       }},
      {"--to",
       [](std::string_view flag, std::string_view value, Command& command) -> Status {
         if (!ParseUrl(value)) return Bad(fmt::format("{} needs an http(s) URL", flag));
         command.trigger.to = std::string(value);
         return Ok{};
       }},
      {"--count",
       [](std::string_view flag, std::string_view value, Command& command) {
         return ParseInt(flag, value, 0, kMaxEventsPerRequest, command.trigger.count);
       }},
      {"--type",
       [](std::string_view, std::string_view value, Command& command) -> Status {
         command.trigger.type = std::string(value);
         return Ok{};
       }},
      {"--concurrency",
       [](std::string_view flag, std::string_view value, Command& command) {
         return ParseInt(flag, value, 1, kMaxConcurrency, command.trigger.concurrency);
       }},
  };
  return flags;
}

Status ParseFlags(const std::vector<std::string>& args, size_t first,
                  const std::map<std::string_view, Setter>& flags, Command& command) {
  for (size_t i = first; i < args.size(); ++i) {
    std::string_view arg = args[i];
    if (command.kind == Command::Kind::kTrigger && arg == "--wait") {
      command.trigger.wait = true;
      continue;
    }
    std::string_view value;
    bool inline_value = false;
    if (const size_t eq = arg.find('='); arg.starts_with("--") && eq != std::string_view::npos) {
      value = arg.substr(eq + 1);
      arg = arg.substr(0, eq);
      inline_value = true;
    }
    const auto found = flags.find(arg);
    if (found == flags.end()) return Bad(fmt::format("unknown option '{}'", arg));
    if (!inline_value) {
      if (i + 1 >= args.size()) return Bad(fmt::format("{} needs a value", arg));
      value = args[++i];
    }
    if (Status ok = found->second(arg, value, command); !ok) return ok;
  }
  return Ok{};
}

Status FinishServe(Command& command, const EnvLookup& env) {
  SandboxConfig& serve = command.serve;
  if (serve.api_key.empty()) {
    if (auto key = env("PAYPRO_SANDBOX_API_KEY")) serve.api_key = Secret(std::move(*key));
  }
  if (serve.webhook_secret.empty()) {
    if (auto secret = env("PAYPRO_SANDBOX_WEBHOOK_SECRET")) {
      serve.webhook_secret = Secret(std::move(*secret));
    }
  }
  if (serve.api_key.empty()) return Bad("--api-key (or PAYPRO_SANDBOX_API_KEY) is required");
  if (serve.webhook_secret.empty()) {
    return Bad("--webhook-secret (or PAYPRO_SANDBOX_WEBHOOK_SECRET) is required");
  }
  if (Status valid = ValidateFaults(serve.faults); !valid) return valid;
  return Ok{};
}

}  // namespace

Result<Command> ParseCommandLine(const std::vector<std::string>& args, const EnvLookup& env) {
  Command command;
  if (args.empty()) return Bad("a command is needed: serve or trigger (see --help)");
  const std::string& verb = args[0];
  for (const std::string& arg : args) {
    if (arg == "--help" || arg == "-h") return command;
  }
  if (verb == "--version") {
    command.kind = Command::Kind::kVersion;
    return command;
  }
  if (verb == "serve") {
    command.kind = Command::Kind::kServe;
    if (Status ok = ParseFlags(args, 1, ServeFlags(), command); !ok) return ok.take_error();
    if (Status ok = FinishServe(command, env); !ok) return ok.take_error();
    return command;
  }
  if (verb == "trigger") {
    command.kind = Command::Kind::kTrigger;
    if (Status ok = ParseFlags(args, 1, TriggerFlags(), command); !ok) return ok.take_error();
    if (command.trigger.sandbox.host.empty()) return Bad("--sandbox is required");
    if (command.trigger.to.empty()) return Bad("--to is required");
    return command;
  }
  return Bad(fmt::format("unknown command '{}' (see --help)", verb));
}

std::string_view UsageText() { return kUsage; }

}  // namespace webhookd::sandbox
