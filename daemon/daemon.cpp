// Start-up, steady state, reload and shutdown of the daemon.
#include "daemon/daemon.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <spdlog/spdlog.h>

#include <pqxx/pqxx>
#include <cstdlib>
#include <thread>

#include "core/http_server.hpp"
#include "core/snapshot.hpp"
#include "daemon/admin_endpoint.hpp"
#include "daemon/config_watcher.hpp"
#include "daemon/control_events.hpp"
#include "daemon/deadline_stop.hpp"
#include "daemon/handler_runner.hpp"
#include "daemon/metrics.hpp"
#include "daemon/processor.hpp"
#include "daemon/reconciler.hpp"
#include "daemon/reload.hpp"
#include "daemon/round_limits.hpp"
#include "daemon/service_monitor.hpp"
#include "daemon/verifier.hpp"
#include "daemon/webhook_endpoint.hpp"
#include "handlers/handler_factory.hpp"
#include "storage/backfill_store.hpp"
#include "storage/database.hpp"
#include "storage/handler_runs.hpp"
#include "storage/inbox_writer.hpp"
#include "storage/migrations.hpp"

namespace webhookd {

namespace net = boost::asio;

namespace {

constexpr auto kMigrationRetryPause = std::chrono::seconds(2);
// After the shutdown deadline, for killed programs' workers to give their runs back.
constexpr auto kAbandonGrace = std::chrono::seconds(3);

void WatchSignals(net::signal_set& signals, ControlEvents& control) {
  signals.async_wait([&signals, &control](const boost::system::error_code& ec, int signal) {
    if (ec) return;
    if (signal == SIGHUP) {
      control.RequestReload();
      return WatchSignals(signals, control);
    }
    spdlog::info("signal {}: shutting down", signal);
    control.RequestStop();
  });
}

// Migrations before anything is accepted. PostgreSQL may still be starting
// (systemd ordering is not readiness): wait for it rather than exit.
bool Migrate(const Config& config, ControlEvents& control) {
  while (!control.stop_requested()) {
    auto connection = ConnectDatabase(config.database.url, "migrations");
    if (connection) {
      auto version = ApplyMigrations(**connection);
      if (version) {
        spdlog::info("database schema at version {}", *version);
        return true;
      }
      spdlog::error("{}", version.error().detail);
    } else {
      spdlog::error("{}; retrying", connection.error().detail);
    }
    control.WaitForStop(kMigrationRetryPause);
  }
  return false;
}

std::vector<std::string> OutsideHandlerNames(const DispatchTable& table) {
  std::vector<std::string> names;
  for (const auto& handler : table.handlers()) {
    if (handler->phase() == HandlerPhase::kOutside) names.push_back(handler->name());
  }
  return names;
}

// Runs waiting for handlers that are gone would block their resources forever.
void AbandonRemovedHandlerRuns(const Config& config, const DispatchTable& table) {
  auto connection = ConnectDatabase(config.database.url, "handler check");
  if (!connection) return spdlog::warn("handler runs not checked: {}", connection.error().detail);
  try {
    if (const int count = AbandonRunsOfRemovedHandlers(**connection, OutsideHandlerNames(table)); count > 0) {
      spdlog::warn("{} handler runs are dead: their handlers are no longer configured", count);
    }
    if (const int held = HeldBackfillEvents(**connection); held > 0) {
      spdlog::warn("{} events wait for an interrupted --backfill: run it again to finish and release them", held);
    }
  } catch (const std::exception& e) {
    spdlog::warn("handler runs not checked: {}", RedactPassword(e.what(), config.database.url));
  }
}

HttpServerOptions WebhookListenerOptions(const ServerConfig& server) {
  HttpServerOptions options;
  options.listen = server.listen;
  options.tls = server.tls;
  options.max_body_bytes = server.max_body_bytes;
  options.read_timeout = server.read_timeout;
  options.one_io_thread = server.threads == 1;
  return options;
}

void WaitForInFlight(const HttpServer& server, std::chrono::steady_clock::time_point deadline) {
  while (server.requests_in_flight() > 0 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

// Loads the file again and swaps in what may change while running.
void Reload(const std::string& path, const EnvLookup& env, Snapshot<Config>& config, CurrentTable& table) {
  auto loaded = LoadConfigFile(path, env);
  std::shared_ptr<const DispatchTable> new_table;
  if (loaded) {
    auto built = BuildDispatchTable(loaded->handlers);
    if (built) {
      new_table = std::make_shared<const DispatchTable>(std::move(*built));
    } else {
      loaded = built.take_error();
    }
  }
  if (!loaded) {
    spdlog::error("reload failed, keeping the running configuration: {}", loaded.error().detail);
    return;
  }
  for (const std::string& obsolete : loaded->obsolete) spdlog::warn("reload: {}", obsolete);
  const std::shared_ptr<const Config> running = config.Get();
  for (const std::string& key : RestartOnlyChanges(*running, *loaded)) {
    spdlog::warn("reload: {} changed but takes effect only after a restart", key);
  }
  config.Set(std::make_shared<const Config>(KeepRestartOnlySettings(*running, std::move(*loaded))));
  table.Set(new_table);
  spdlog::set_level(spdlog::level::from_str(config.Get()->log.level));
  AbandonRemovedHandlerRuns(*config.Get(), *new_table);
  spdlog::info("configuration reloaded from {}: {} handlers", path, new_table->handlers().size());
}

std::string StatusNow(bool stopping, const InboxStats& inbox, const PipelineStats& pipeline,
                      const HandlerRunner& runner) {
  const StatusFigures figures{inbox.rows_committed, pipeline.verified, pipeline.processed, pipeline.dead,
                              static_cast<uint64_t>(runner.running())};
  return (stopping ? "stopping: " : "") + StatusText(figures);
}

}  // namespace

int RunDaemon(const Config& loaded, const std::string& config_path, const EnvLookup& env) {
  auto built = BuildDispatchTable(loaded.handlers);
  if (!built) {
    spdlog::critical("{}", built.error().detail);
    return 1;
  }
  Snapshot<Config> current_config(std::make_shared<const Config>(loaded));
  CurrentTable table(std::make_shared<const DispatchTable>(std::move(*built)));
  const Config& config = loaded;  // the restart-only settings, fixed for this run

  net::io_context ioc(config.server.threads);
  ControlEvents control;
  net::signal_set signals(ioc, SIGINT, SIGTERM, SIGHUP);
  WatchSignals(signals, control);
  ConfigWatcher watcher(ioc, config_path, [&control] { control.RequestReload(); });
  watcher.Start();
  std::vector<std::thread> io_threads;
  for (int i = 0; i < config.server.threads; ++i) io_threads.emplace_back([&ioc] { ioc.run(); });
  LoopMonitor::Global().SetRoundLimits(RoundLimitsFor(config));
  ServiceMonitor monitor(ioc, LoopMonitor::Global());
  monitor.SetStatus([] { return std::string("starting: migrating the database"); });
  monitor.Start();
  const auto join_io = [&] {
    monitor.Stop();
    watcher.Stop();
    ioc.stop();
    for (std::thread& thread : io_threads) thread.join();
  };

  if (!Migrate(config, control)) {
    monitor.Stopping();
    join_io();
    return 0;
  }
  AbandonRemovedHandlerRuns(config, *table.Get());

  WorkSignal received;
  WorkSignal verified;
  WorkSignal runs_created;
  InboxStats inbox_stats;
  PipelineStats pipeline_stats;
  WebhookStats webhook_stats;
  InboxWriter inbox(ioc.get_executor(), config.database.url, config.database, received, inbox_stats);
  Verifier verifier(config, table, received, verified, pipeline_stats);
  Processor processor(config, table, verified, runs_created, pipeline_stats);
  HandlerRunner runner(config, table, runs_created, pipeline_stats);
  Reconciler reconciler(config, pipeline_stats, verified);
  MetricsSampler sampler(config.database.url);
  std::atomic<bool> stopping{false};

  AdminProbes probes;
  probes.not_ready_reason = [&]() -> std::string {
    if (stopping) return "shutting down";
    if (!inbox.healthy()) return "database unreachable";
    return {};
  };
  probes.metrics = [&] { return RenderMetrics(webhook_stats, inbox_stats, pipeline_stats, sampler.Latest()); };
  HttpServerOptions admin_options;
  admin_options.listen = config.admin.listen;
  admin_options.one_io_thread = config.server.threads == 1;
  HttpServer admin(ioc, admin_options, MakeAdminHandler(probes));
  HttpServer webhooks(ioc, WebhookListenerOptions(config.server), MakeWebhookHandler(current_config, inbox, webhook_stats));

  const auto stop_workers = [&] {
    reconciler.Stop();
    sampler.Stop();
    inbox.Stop();
    verifier.Stop();
    processor.Stop();
    runner.Stop();
  };
  inbox.Start();
  verifier.Start();
  processor.Start();
  runner.Start();
  reconciler.Start();
  sampler.Start();
  for (auto [server, what] : {std::pair{&admin, "admin"}, std::pair{&webhooks, "webhook"}}) {
    if (auto started = server->Start(); !started) {
      spdlog::critical("{} listener: {}", what, started.error().detail);
      stopping = true;
      stop_workers();
      join_io();
      return 1;
    }
  }
  spdlog::info("ready: webhooks on {}:{}{} ({}), admin on {}:{}", config.server.listen.host, webhooks.port(),
               config.server.path, config.server.tls ? "https" : "http", config.admin.listen.host, admin.port());
  spdlog::info("webhook clients: X-Forwarded-For believed from {}; allowed: {}",
               NetworksText(config.server.trusted_proxies),
               config.server.allow_from.empty() ? "everyone" : NetworksText(config.server.allow_from));

  monitor.SetStatus([&] { return StatusNow(stopping, inbox_stats, pipeline_stats, runner); });
  monitor.Ready();

  while (!control.stop_requested()) {
    if (!control.WaitForReload(std::chrono::seconds(1))) continue;
    monitor.Reloading();
    Reload(config_path, env, current_config, table);
    LoopMonitor::Global().SetRoundLimits(RoundLimitsFor(*current_config.Get()));
    monitor.Reloaded();
  }

  // Stop taking calls and claiming handler runs, answer the calls in flight
  // (their rows commit first), and let the workers finish what they hold, all
  // until the deadline. What is abandoned then is still in the database
  // (rolled back, given back, or leased) and is picked up at the next start.
  const auto deadline = std::chrono::steady_clock::now() + config.server.shutdown_timeout;
  stopping = true;
  monitor.Stopping();
  webhooks.StopAccepting();
  runner.RequestStop();
  WaitForInFlight(webhooks, deadline);
  const DeadlineStop steps{stop_workers, [&] { runner.Abandon(); }, [&] { runner.ReleaseHeldRuns(); }};
  if (!StopByDeadline(steps, deadline, kAbandonGrace)) {
    spdlog::error("workers still busy after the shutdown deadline: exiting without them");
    spdlog::default_logger()->flush();
    std::_Exit(0);  // their objects are in use, so no destructor may run
  }
  admin.StopAccepting();
  join_io();
  spdlog::info("stopped");
  return 0;
}

}  // namespace webhookd
