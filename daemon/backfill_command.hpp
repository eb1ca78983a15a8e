// paypro-webhookd --backfill: the walk, then processing what it recorded.
#pragma once

#include "config/config.hpp"
#include "daemon/backfill.hpp"

namespace webhookd {

/// Runs the walk (Ctrl-C or SIGTERM interrupt it; run again to resume),
/// then hands the recorded events to the handlers until none is due, the
/// rest (retries with backoff) being left to the daemon. Prints one summary
/// line on stderr and, with `json`, a JSON summary on stdout. The exit code:
/// 0 when complete.
int RunBackfillCommand(const Config& config, const BackfillOptions& options, bool json);

}  // namespace webhookd
