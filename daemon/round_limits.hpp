// How long one round of each worker loop may take by its own deadlines.
#pragma once

#include "config/config.hpp"
#include "daemon/loop_monitor.hpp"

namespace webhookd {

/// Database steps (connect, claim, record) have no deadline of their own
/// besides libpq's connect timeout; a healthy one takes milliseconds.
inline constexpr auto kDatabaseAllowance = std::chrono::seconds(60);

/// The longest round each RunDatabaseWorker role can take while healthy, from
/// `config` (pure). A verifier round fetches its whole batch, one call after
/// another, each within the API deadlines; a handler runner's run waits
/// behind every other worker for its handler's concurrency slot, each run
/// within its handler's timeout; a processor batch runs SQL that has no
/// deadline, given two database allowances. Each adds kDatabaseAllowance.
RoundLimits RoundLimitsFor(const Config& config);

}  // namespace webhookd
