// The shared worker loop.
#include "daemon/database_worker.hpp"

#include <spdlog/spdlog.h>

#include <pqxx/pqxx>

#include "daemon/loop_monitor.hpp"
#include "storage/database.hpp"

namespace webhookd {

namespace {
constexpr auto kIdlePoll = std::chrono::milliseconds(250);
constexpr auto kReconnectPause = std::chrono::milliseconds(1000);
}  // namespace

void RunDatabaseWorker(std::string_view role, const Secret& database_url, const std::atomic<bool>& stopping,
                       WorkSignal& wake, const std::function<bool(pqxx::connection_base&)>& round) {
  // Each step is reported so that the watchdog notices a loop that stopped
  // coming back from its round or its wait.
  LoopMonitor::Registration loop = LoopMonitor::Global().Register(std::string(role));
  std::unique_ptr<pqxx::connection> connection;
  while (!stopping) {
    loop.Working();
    if (!connection) {
      auto connected = ConnectDatabase(database_url, role);
      if (!connected) {
        spdlog::warn("{}: {}", role, connected.error().detail);
        loop.Waiting(kReconnectPause);
        wake.WaitFor(kReconnectPause);
        continue;
      }
      connection = std::move(*connected);
    }
    try {
      if (!round(*connection)) {
        loop.Waiting(kIdlePoll);
        wake.WaitFor(kIdlePoll);
      }
    } catch (const std::exception& e) {
      spdlog::warn("{}: database error, reconnecting: {}", role, RedactPassword(e.what(), database_url));
      connection.reset();
    }
  }
}

}  // namespace webhookd
