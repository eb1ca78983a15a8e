// The sandbox's network glue: HttpServer, timers for delays, the run loop.
#pragma once

#include <cstdint>
#include <memory>

#include "core/result.hpp"
#include "sandbox/api_stats.hpp"
#include "sandbox/delivery_ledger.hpp"
#include "sandbox/event_store.hpp"
#include "sandbox/fault_plan.hpp"
#include "sandbox/sandbox_config.hpp"

namespace boost::asio {
class io_context;
}

namespace webhookd::sandbox {

/// Serves the API and control routes on an io_context the caller runs.
/// Delays and waits use Asio timers, never a sleeping io thread.
class SandboxServer {
 public:
  SandboxServer(boost::asio::io_context& ioc, SandboxConfig config);
  ~SandboxServer();
  SandboxServer(const SandboxServer&) = delete;
  SandboxServer& operator=(const SandboxServer&) = delete;

  /// Binds and starts accepting; kConfig when the address cannot be had.
  Status Start();
  /// The bound port (the kernel's choice for port 0).
  uint16_t port() const;
  /// Stops accepting and joins the delivery threads. Call from outside the
  /// io threads (it may wait for a webhook request in progress).
  void Stop();

  EventStore& store();
  FaultPlan& fault_plan();
  DeliveryLedger& ledger();
  ApiStats& stats();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

/// Runs `paypro-sandbox serve` until SIGINT or SIGTERM: prints the
/// "listening" line to stdout, then logs to stderr. Returns the exit code.
int ServeSandbox(SandboxConfig config);

}  // namespace webhookd::sandbox
