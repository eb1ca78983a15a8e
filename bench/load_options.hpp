// paypro-loadgen's command line, parsed and checked.
#pragma once

#include <chrono>
#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "bench/load_plan.hpp"
#include "bench/signed_delivery.hpp"
#include "core/result.hpp"
#include "core/secret.hpp"
#include "core/url.hpp"

namespace webhookd::bench {

/// Where the signed calls come from: a file saved from POST /_sandbox/export,
/// or the sandbox itself (the events are created at start-up, before the clock runs).
struct RequestSource {
  std::string file;            ///< --requests
  std::optional<Url> sandbox;  ///< --sandbox
  size_t events = 0;           ///< --events: how many to create in the sandbox
  std::string type = "mixed";  ///< --type: the sandbox's event mix
};

struct LoadOptions {
  Url target;  ///< --url: where to POST
  RequestSource source;
  LoadPlan plan;  ///< --rate, --duration-s, --count
  size_t connections = 64;
  size_t threads = 1;
  bool connection_close = false;  ///< a new connection per request
  /// Start again from the first call when all were sent: for receivers that
  /// do not care about repeated event ids (the HTTP ceiling, the peer).
  bool repeat = false;
  Signing signing = Signing::kAsExported;
  Secret secret;                             ///< --secret, for --resign
  std::chrono::milliseconds timeout{30000};  ///< per request: connect, write and answer
};

/// Parses the arguments after the program name. kBadRequest naming the
/// problem for anything unknown, missing or out of range.
Result<LoadOptions> ParseLoadOptions(std::span<const std::string_view> args);

/// The --help text.
std::string_view LoadUsage();

}  // namespace webhookd::bench
