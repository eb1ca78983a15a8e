// The loop every pipeline worker runs: keep a connection, do rounds, rest when idle.
#pragma once

#include <atomic>
#include <functional>
#include <string_view>

#include "core/secret.hpp"
#include "core/work_signal.hpp"

namespace pqxx {
class connection_base;
}

namespace webhookd {

/// Runs `round` until `stopping`. A round returns false when it found no
/// work; the worker then waits on `wake` (or a short poll, for work other
/// daemons create). A database error drops the connection, which is opened
/// again; what the round held is recovered by the caller's design (a rolled
/// back transaction, or a lease that expires). `role` names the worker in logs
/// and in LoopMonitor::Global(), which the loop tells each step it begins.
void RunDatabaseWorker(std::string_view role, const Secret& database_url, const std::atomic<bool>& stopping,
                       WorkSignal& wake, const std::function<bool(pqxx::connection_base&)>& round);

}  // namespace webhookd
