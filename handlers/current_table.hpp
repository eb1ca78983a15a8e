// The dispatch table in force, swapped whole on reload.
#pragma once

#include "core/snapshot.hpp"
#include "handlers/dispatch_table.hpp"

namespace webhookd {

/// Workers take a snapshot per batch; a reload stores a new table, and work
/// in progress finishes with the table it started with.
using CurrentTable = Snapshot<DispatchTable>;

}  // namespace webhookd
