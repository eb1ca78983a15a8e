// Wires the routes to HttpServer, answers late with steady_timers, and runs
// the io_context threads for `paypro-sandbox serve`.
#include "sandbox/sandbox_server.hpp"

#include <spdlog/spdlog.h>

#include <atomic>
#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <iostream>
#include <optional>
#include <random>
#include <thread>
#include <vector>

#include "core/http_server.hpp"
#include "sandbox/api_routes.hpp"
#include "sandbox/control_routes.hpp"
#include "sandbox/webhook_sender.hpp"

namespace webhookd::sandbox {

namespace net = boost::asio;

namespace {

// A request picked for timeout_rate is held this long, then its connection
// is closed without an answer (dropping the responder closes it).
constexpr std::chrono::seconds kHoldTimedOut{60};
constexpr std::chrono::milliseconds kIdlePoll{20};

uint64_t SeedOf(uint64_t seed) { return seed != 0 ? seed : std::random_device{}() | 1ULL; }

}  // namespace

struct SandboxServer::Impl {
  net::io_context& ioc;
  SandboxConfig config;
  uint64_t seed;
  EventStore store;
  FaultPlan faults;
  ApiStats stats;
  DeliveryLedger ledger;
  WebhookSender sender{ledger};
  ApiRoutes api;
  ControlRoutes control;
  std::optional<HttpServer> server;
  std::atomic<uint16_t> bound_port{0};

  Impl(net::io_context& io, SandboxConfig cfg)
      : ioc(io),
        config(std::move(cfg)),
        seed(SeedOf(config.seed)),
        store(seed),
        faults(config.faults, seed ^ 0x5eedULL),
        api(store, faults, stats, ApiSettings{config.api_key, config.public_url}),
        control(store, faults, stats, ledger, sender,
                ControlSettings{config.public_url, config.webhook_secret, config.webhook_ca_file}) {}

  void Handle(ServerRequest request, Responder respond) {
    // Links are built from the Host header; an HTTP/1.0 request may lack it.
    if (request.headers.Get("Host").empty()) {
      request.headers.Add("Host", config.listen.host + ":" + std::to_string(bound_port.load()));
    }
    if (IsControlTarget(request.target)) {
      ControlOutcome outcome = control.Handle(request);
      if (outcome.wait_for_idle.count() > 0) {
        return WaitForIdle(std::make_shared<net::steady_timer>(ioc),
                           std::chrono::steady_clock::now() + outcome.wait_for_idle,
                           std::move(respond));
      }
      return respond(std::move(outcome.response));
    }
    ApiOutcome outcome = api.Handle(request);
    if (outcome.hang) {
      auto timer = std::make_shared<net::steady_timer>(ioc, kHoldTimedOut);
      timer->async_wait([timer, respond = std::move(respond)](const boost::system::error_code&) {});
      return;
    }
    if (outcome.delay.count() <= 0) return respond(std::move(outcome.response));
    auto timer = std::make_shared<net::steady_timer>(ioc, outcome.delay);
    timer->async_wait(
        [timer, respond = std::move(respond), response = std::move(outcome.response)](
            const boost::system::error_code&) mutable { respond(std::move(response)); });
  }

  // Polls the ledger on a timer: a waiting test never occupies an io thread.
  void WaitForIdle(std::shared_ptr<net::steady_timer> timer,
                   std::chrono::steady_clock::time_point deadline, Responder respond) {
    const auto now = std::chrono::steady_clock::now();
    if (ledger.pending() == 0 || now >= deadline) return respond(control.DeliveriesAnswer());
    timer->expires_after(std::min<std::chrono::steady_clock::duration>(kIdlePoll, deadline - now));
    timer->async_wait(
        [this, timer, deadline, respond = std::move(respond)](const boost::system::error_code&) {
          WaitForIdle(timer, deadline, respond);
        });
  }
};

SandboxServer::SandboxServer(net::io_context& ioc, SandboxConfig config)
    : impl_(std::make_unique<Impl>(ioc, std::move(config))) {}

SandboxServer::~SandboxServer() { Stop(); }

Status SandboxServer::Start() {
  Impl& impl = *impl_;
  HttpServerOptions options;
  options.listen = impl.config.listen;
  options.max_body_bytes = 1 << 20;
  options.one_io_thread = impl.config.threads <= 1;
  impl.server.emplace(impl.ioc, options, [&impl](ServerRequest request, Responder respond) {
    impl.Handle(std::move(request), std::move(respond));
  });
  if (Status started = impl.server->Start(); !started) return started;
  impl.bound_port = impl.server->port();
  return Ok{};
}

uint16_t SandboxServer::port() const { return impl_->server ? impl_->server->port() : 0; }

void SandboxServer::Stop() {
  if (impl_->server) impl_->server->StopAccepting();
  impl_->sender.Stop();
}

EventStore& SandboxServer::store() { return impl_->store; }
FaultPlan& SandboxServer::fault_plan() { return impl_->faults; }
DeliveryLedger& SandboxServer::ledger() { return impl_->ledger; }
ApiStats& SandboxServer::stats() { return impl_->stats; }

int ServeSandbox(SandboxConfig config) {
  const size_t thread_count = std::max<size_t>(config.threads, 1);
  const std::string host = config.listen.host;
  net::io_context ioc(static_cast<int>(thread_count));
  SandboxServer server(ioc, std::move(config));
  if (Status started = server.Start(); !started) {
    spdlog::error("{}: {}", started.error().reason, started.error().detail);
    return 1;
  }
  // The one stdout line: tests read the port from it.
  std::cout << "paypro-sandbox listening on " << host << ":" << server.port() << std::endl;

  net::signal_set signals(ioc, SIGINT, SIGTERM);
  signals.async_wait([&ioc](const boost::system::error_code& ec, int signal) {
    if (ec) return;
    spdlog::info("signal {}: stopping", signal);
    ioc.stop();
  });
  std::vector<std::thread> threads;
  for (size_t i = 1; i < thread_count; ++i) threads.emplace_back([&ioc] { ioc.run(); });
  ioc.run();
  for (std::thread& thread : threads) thread.join();
  server.Stop();
  spdlog::info("stopped");
  return 0;
}

}  // namespace webhookd::sandbox
