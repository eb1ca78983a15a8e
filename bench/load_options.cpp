// Command-line parsing for paypro-loadgen: every flag takes one value except the switches.
#include "bench/load_options.hpp"

#include <fmt/format.h>

#include <charconv>
#include <cmath>

namespace webhookd::bench {

namespace {

Error Bad(std::string reason) { return MakeError(ErrorCode::kBadRequest, std::move(reason)); }

Result<uint64_t> WholeNumber(std::string_view flag, std::string_view text, uint64_t low,
                             uint64_t high) {
  uint64_t value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size() || value < low || value > high) {
    return Bad(fmt::format("{} takes a whole number from {} to {}", flag, low, high));
  }
  return value;
}

Result<double> PositiveNumber(std::string_view flag, std::string_view text) {
  double value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size() || !std::isfinite(value) ||
      value <= 0) {
    return Bad(fmt::format("{} takes a number above 0", flag));
  }
  return value;
}

Result<Url> HttpUrl(std::string_view flag, std::string_view text) {
  auto url = ParseUrl(text);
  if (!url || url->tls) return Bad(fmt::format("{} takes an http:// URL", flag));
  return std::move(*url);
}

// Applies one flag that takes `value`; nullopt when `flag` is not one of them.
std::optional<Status> ApplyValueFlag(std::string_view flag, std::string_view value,
                                     LoadOptions& options) {
  const auto set = [](auto result, auto& target) -> Status {
    if (!result) return result.take_error();
    target = std::move(*result);
    return Ok{};
  };
  if (flag == "--url") return set(HttpUrl(flag, value), options.target);
  if (flag == "--sandbox") return set(HttpUrl(flag, value), options.source.sandbox);
  if (flag == "--events")
    return set(WholeNumber(flag, value, 1, 100'000'000), options.source.events);
  if (flag == "--connections") return set(WholeNumber(flag, value, 1, 20'000), options.connections);
  if (flag == "--threads") return set(WholeNumber(flag, value, 1, 16), options.threads);
  if (flag == "--count")
    return set(WholeNumber(flag, value, 1, UINT64_MAX), options.plan.max_requests);
  if (flag == "--rate") return set(PositiveNumber(flag, value), options.plan.rate);
  if (flag == "--requests")
    return set(Result<std::string>(std::string(value)), options.source.file);
  if (flag == "--type") return set(Result<std::string>(std::string(value)), options.source.type);
  if (flag == "--secret") return set(Result<Secret>(Secret(std::string(value))), options.secret);
  if (flag == "--duration-s") {
    auto seconds = PositiveNumber(flag, value);
    if (!seconds) return Status(seconds.take_error());
    options.plan.duration = std::chrono::nanoseconds(std::llround(*seconds * 1e9));
    return Status(Ok{});
  }
  if (flag == "--timeout-ms") {
    auto ms = WholeNumber(flag, value, 1, 3'600'000);
    if (!ms) return Status(ms.take_error());
    options.timeout = std::chrono::milliseconds(*ms);
    return Status(Ok{});
  }
  if (flag == "--resign") {
    if (value == "paypro")
      options.signing = Signing::kPayPro;
    else if (value == "body-hmac")
      options.signing = Signing::kBodyHmac;
    else
      return Status(Bad("--resign takes paypro or body-hmac"));
    return Status(Ok{});
  }
  return std::nullopt;
}

Status CheckComplete(const LoadOptions& options) {
  if (options.target.host.empty()) return Bad("--url is required");
  const bool file = !options.source.file.empty();
  if (file == options.source.sandbox.has_value())
    return Bad("give exactly one of --requests and --sandbox");
  if (options.source.sandbox && options.source.events == 0) return Bad("--sandbox needs --events");
  if (options.signing != Signing::kAsExported && options.secret.Reveal().empty()) {
    return Bad("--resign needs --secret");
  }
  if (options.threads > options.connections) return Bad("--threads must not exceed --connections");
  return Ok{};
}

}  // namespace

Result<LoadOptions> ParseLoadOptions(std::span<const std::string_view> args) {
  LoadOptions options;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string_view flag = args[i];
    if (flag == "--connection-close" || flag == "--repeat") {
      (flag == "--repeat" ? options.repeat : options.connection_close) = true;
      continue;
    }
    if (i + 1 >= args.size()) {
      return Bad(flag.starts_with("--") ? fmt::format("{} needs a value (or is unknown)", flag)
                                        : fmt::format("unexpected argument: {}", flag));
    }
    auto applied = ApplyValueFlag(flag, args[i + 1], options);
    if (!applied) return Bad(fmt::format("unknown flag: {}", flag));
    if (!*applied) return applied->take_error();
    ++i;
  }
  if (Status complete = CheckComplete(options); !complete) return complete.take_error();
  return options;
}

std::string_view LoadUsage() {
  return R"(Usage: paypro-loadgen --url URL (--requests FILE | --sandbox URL --events N) [options]

Sends signed PayPro webhook calls over keep-alive connections and prints a JSON
summary: answers by status, errors, achieved rate, latency percentiles.

  --url URL             where to POST (http://host:port/path)
  --requests FILE       calls saved from the sandbox's POST /_sandbox/export
  --sandbox URL         create the calls in this sandbox at start-up instead
  --events N            how many (with --sandbox)
  --type T              the sandbox's event mix (default mixed)
  --connections N       connections (default 64)
  --threads N           event-loop threads sharing them (default 1)
  --rate R              open loop: R requests per second, latency measured from
                        each request's intended send time; without it: closed
                        loop at maximum
  --duration-s S        how long requests start (default 10)
  --count N             at most N requests (default: every call loaded)
  --connection-close    a new connection per request
  --repeat              start again from the first call when all were sent
                        (repeats event ids: for receivers that do not care)
  --resign paypro|body-hmac  sign again at start-up with --secret: PayPro's way
                        with a fresh timestamp, or HMAC over the body alone
  --secret S            the webhook secret for --resign
  --timeout-ms N        per request, connect included (default 30000)
)";
}

}  // namespace webhookd::bench
