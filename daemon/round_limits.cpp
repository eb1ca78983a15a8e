// Round limits from the configured deadlines.
#include "daemon/round_limits.hpp"

#include <algorithm>
#include <variant>

#include "daemon/handler_runner.hpp"

namespace webhookd {

namespace {

SteadyClock::duration LongestOutsideTimeout(const std::vector<HandlerConfig>& handlers) {
  SteadyClock::duration longest = SteadyClock::duration::zero();
  for (const HandlerConfig& handler : handlers) {
    if (const auto* exec = std::get_if<ExecHandlerSpec>(&handler.spec)) {
      longest = std::max<SteadyClock::duration>(longest, exec->timeout);
    }
    if (const auto* http = std::get_if<HttpHandlerSpec>(&handler.spec)) {
      longest = std::max<SteadyClock::duration>(longest, http->timeout);
    }
  }
  return longest;
}

}  // namespace

RoundLimits RoundLimitsFor(const Config& config) {
  const auto fetch = config.paypro.connect_timeout + config.paypro.request_timeout;
  RoundLimits limits;
  limits["verifier"] = config.verifier.batch_size * fetch + kDatabaseAllowance;
  limits["processor"] = 2 * kDatabaseAllowance;
  limits["handler runner"] =
      HandlerRunner::kWorkers * LongestOutsideTimeout(config.handlers) + kDatabaseAllowance;
  return limits;
}

}  // namespace webhookd
