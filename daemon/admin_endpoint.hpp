// The admin listener's routes: /healthz, /readyz, /metrics.
#pragma once

#include <functional>
#include <string>

#include "core/http_server.hpp"

namespace webhookd {

struct AdminProbes {
  /// Empty when ready, else why not (shown to the caller of /readyz).
  std::function<std::string()> not_ready_reason;
  std::function<std::string()> metrics;
};

/// Answers GET /healthz (the process is alive), GET /readyz (200 or 503 with
/// the reason) and GET /metrics (Prometheus text format).
HttpHandler MakeAdminHandler(AdminProbes probes);

}  // namespace webhookd
