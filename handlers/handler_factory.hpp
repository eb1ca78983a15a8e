// Turns the `handlers:` config into routes for the dispatch table.
#pragma once

#include <vector>

#include "config/config.hpp"
#include "core/result.hpp"
#include "handlers/dispatch_table.hpp"

namespace webhookd {

/// One Route per configured handler, in config order.
Result<std::vector<Route>> BuildRoutes(const std::vector<HandlerConfig>& configs);

/// BuildRoutes, then DispatchTable::Build.
Result<DispatchTable> BuildDispatchTable(const std::vector<HandlerConfig>& configs);

}  // namespace webhookd
