// Names that tell which daemon and worker holds a lease.
#pragma once

#include <string>
#include <string_view>

namespace webhookd {

/// "<host>:<pid>:<role>-<index>", unique across daemons sharing a database.
std::string WorkerIdentity(std::string_view role, int index);

}  // namespace webhookd
