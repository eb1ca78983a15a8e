// The --backfill command around the walk.
#include "daemon/backfill_command.hpp"

#include <fmt/format.h>
#include <signal.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <pqxx/pqxx>
#include <thread>

#include "daemon/cli.hpp"
#include "daemon/handler_runner.hpp"
#include "daemon/processor.hpp"
#include "handlers/handler_factory.hpp"
#include "storage/database.hpp"

namespace webhookd {

namespace {

std::atomic<bool> g_stop{false};

void RequestStop(int) { g_stop = true; }

constexpr auto kIdleGiveUp = std::chrono::seconds(5);

int64_t DueWork(pqxx::connection_base& connection) {
  pqxx::read_transaction tx(connection);
  return tx.exec1("SELECT (SELECT count(*) FROM paypro_events WHERE state IN ('verified', 'failed') AND NOT db_done"
                  "          AND next_attempt_at <= now())"
                  "     + (SELECT count(*) FROM paypro_handler_runs WHERE state IN ('pending', 'failed')"
                  "          AND next_attempt_at <= now())")[0]
      .as<int64_t>();
}

// Processes what is due, as the daemon would, until nothing is due or
// nothing has moved for a while (events waiting on retries stay for the daemon).
void ProcessRecorded(const Config& config) {
  auto table = BuildDispatchTable(config.handlers);
  auto connection = ConnectDatabase(config.database.url, "backfill");
  if (!table || !connection) return;
  CurrentTable current(std::make_shared<const DispatchTable>(std::move(*table)));
  WorkSignal verified;
  WorkSignal runs_created;
  PipelineStats stats;
  Processor processor(config, current, verified, runs_created, stats);
  HandlerRunner runner(config, current, runs_created, stats);
  processor.Start();
  runner.Start();
  uint64_t last_processed = 0;
  auto last_progress = std::chrono::steady_clock::now();
  while (!g_stop && DueWork(**connection) > 0) {
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    if (stats.processed != last_processed) {
      last_processed = stats.processed;
      last_progress = std::chrono::steady_clock::now();
    } else if (std::chrono::steady_clock::now() - last_progress > kIdleGiveUp) {
      spdlog::warn("backfill: events still due are left to the daemon (waiting for earlier events or retries)");
      break;
    }
  }
  processor.Stop();
  runner.Stop();
  spdlog::info("backfill: {} events processed", stats.processed.load());
}

}  // namespace

int RunBackfillCommand(const Config& config, const BackfillOptions& options, bool json) {
  struct sigaction action {};
  action.sa_handler = RequestStop;
  sigaction(SIGINT, &action, nullptr);
  sigaction(SIGTERM, &action, nullptr);
  auto summary = RunBackfill(config, options, g_stop);
  if (!summary) {
    spdlog::error("backfill stopped: {}", summary.error().detail);
    return kExitFailure;
  }
  if (!options.dry_run) ProcessRecorded(config);
  spdlog::info("{}", SummaryLine(*summary, options.dry_run));
  if (json) fmt::print("{}\n", SummaryJson(*summary, options.dry_run));
  return kExitOk;
}

}  // namespace webhookd
