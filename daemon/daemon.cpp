// Start-up, steady state and shutdown of the daemon.
#include "daemon/daemon.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <spdlog/spdlog.h>

#include <condition_variable>
#include <pqxx/pqxx>
#include <thread>

#include "core/http_server.hpp"
#include "daemon/admin_endpoint.hpp"
#include "daemon/metrics.hpp"
#include "daemon/processor.hpp"
#include "daemon/verifier.hpp"
#include "daemon/webhook_endpoint.hpp"
#include "handlers/handler_factory.hpp"
#include "storage/database.hpp"
#include "storage/inbox_writer.hpp"
#include "storage/migrations.hpp"

namespace webhookd {

namespace net = boost::asio;

namespace {

constexpr auto kMigrationRetryPause = std::chrono::seconds(2);
constexpr auto kDrainDeadline = std::chrono::seconds(10);

// Set by signals, waited on by the main thread.
class StopFlag {
 public:
  void Set() {
    {
      std::lock_guard lock(mutex_);
      stop_ = true;
    }
    changed_.notify_all();
  }
  bool IsSet() {
    std::lock_guard lock(mutex_);
    return stop_;
  }
  /// True when set within `timeout`.
  bool WaitFor(std::chrono::milliseconds timeout) {
    std::unique_lock lock(mutex_);
    return changed_.wait_for(lock, timeout, [&] { return stop_; });
  }

 private:
  std::mutex mutex_;
  std::condition_variable changed_;
  bool stop_ = false;
};

void WatchSignals(net::signal_set& signals, StopFlag& stop) {
  signals.async_wait([&signals, &stop](const boost::system::error_code& ec, int signal) {
    if (ec) return;
    if (signal == SIGHUP) {
      spdlog::warn("SIGHUP: configuration reload is not supported by this version; restart to apply changes");
      return WatchSignals(signals, stop);
    }
    spdlog::info("signal {}: shutting down", signal);
    stop.Set();
  });
}

// Migrations before anything is accepted. PostgreSQL may still be starting
// (systemd ordering is not readiness): wait for it rather than exit.
bool Migrate(const Config& config, StopFlag& stop) {
  while (!stop.IsSet()) {
    auto connection = ConnectDatabase(config.database.url);
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
    stop.WaitFor(kMigrationRetryPause);
  }
  return false;
}

HttpServerOptions WebhookListenerOptions(const ServerConfig& server) {
  HttpServerOptions options;
  options.listen = server.listen;
  options.tls = server.tls;
  options.max_body_bytes = server.max_body_bytes;
  options.read_timeout = server.read_timeout;
  return options;
}

void WaitForInFlight(const HttpServer& server) {
  const auto deadline = std::chrono::steady_clock::now() + kDrainDeadline;
  while (server.requests_in_flight() > 0 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

}  // namespace

int RunDaemon(const Config& loaded) {
  const auto config = std::make_shared<const Config>(loaded);
  auto table = BuildDispatchTable(config->handlers);
  if (!table) {
    spdlog::critical("{}", table.error().detail);
    return 1;
  }

  net::io_context ioc(config->server.threads);
  StopFlag stop;
  net::signal_set signals(ioc, SIGINT, SIGTERM, SIGHUP);
  WatchSignals(signals, stop);
  std::vector<std::thread> io_threads;
  for (int i = 0; i < config->server.threads; ++i) io_threads.emplace_back([&ioc] { ioc.run(); });
  const auto join_io = [&] {
    ioc.stop();
    for (std::thread& thread : io_threads) thread.join();
  };

  if (!Migrate(*config, stop)) {
    join_io();
    return 0;
  }

  WorkSignal received;
  WorkSignal verified;
  InboxStats inbox_stats;
  PipelineStats pipeline_stats;
  WebhookStats webhook_stats;
  InboxWriter inbox(config->database.url, config->database, received, inbox_stats);
  Verifier verifier(*config, received, verified, pipeline_stats);
  Processor processor(*config, std::make_shared<const DispatchTable>(std::move(*table)), verified, pipeline_stats);
  std::atomic<bool> stopping{false};

  AdminProbes probes;
  probes.not_ready_reason = [&]() -> std::string {
    if (stopping) return "shutting down";
    if (!inbox.healthy()) return "database unreachable";
    return {};
  };
  probes.metrics = [&] { return RenderMetrics(webhook_stats, inbox_stats, pipeline_stats); };
  HttpServerOptions admin_options;
  admin_options.listen = config->admin.listen;
  HttpServer admin(ioc, admin_options, MakeAdminHandler(probes));
  HttpServer webhooks(ioc, WebhookListenerOptions(config->server), MakeWebhookHandler(config, inbox, webhook_stats));

  inbox.Start();
  verifier.Start();
  processor.Start();
  for (auto [server, what] : {std::pair{&admin, "admin"}, std::pair{&webhooks, "webhook"}}) {
    if (auto started = server->Start(); !started) {
      spdlog::critical("{} listener: {}", what, started.error().detail);
      stopping = true;
      inbox.Stop();
      verifier.Stop();
      processor.Stop();
      join_io();
      return 1;
    }
  }
  spdlog::info("ready: webhooks on {}{} ({}), admin on {}", config->server.listen.host + ":" + std::to_string(webhooks.port()),
               config->server.path, config->server.tls ? "https" : "http",
               config->admin.listen.host + ":" + std::to_string(admin.port()));

  while (!stop.WaitFor(std::chrono::seconds(1))) {
  }

  // Stop taking calls, answer those in flight (their rows commit first),
  // then let the workers finish what they hold. Anything unfinished is
  // still in the database and is picked up at the next start.
  stopping = true;
  webhooks.StopAccepting();
  WaitForInFlight(webhooks);
  inbox.Stop();
  verifier.Stop();
  processor.Stop();
  admin.StopAccepting();
  join_io();
  spdlog::info("stopped");
  return 0;
}

}  // namespace webhookd
