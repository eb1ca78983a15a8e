// --check-config's last step: PostgreSQL prepares every `sql` handler's statement.
#pragma once

#include "config/config.hpp"
#include "core/result.hpp"
#include "handlers/dispatch_table.hpp"

namespace webhookd {

/// Prepares each sql handler's statement in a transaction that is rolled
/// back, so syntax errors and unknown tables or columns surface before
/// deployment. kConfig naming the handler when one does not prepare;
/// kUnavailable when the database cannot be reached.
Status CheckSqlStatements(const Config& config, const DispatchTable& table);

}  // namespace webhookd
