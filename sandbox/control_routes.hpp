// The sandbox's control API (/_sandbox/*): make events, trigger deliveries,
// set faults, read counters. No auth and no faults: tests drive it.
#pragma once

#include <atomic>
#include <chrono>
#include <string>
#include <string_view>

#include "core/http_message.hpp"
#include "core/secret.hpp"
#include "sandbox/api_stats.hpp"
#include "sandbox/delivery_ledger.hpp"
#include "sandbox/event_store.hpp"
#include "sandbox/fault_plan.hpp"
#include "sandbox/webhook_sender.hpp"

namespace webhookd::sandbox {

inline constexpr std::string_view kControlPrefix = "/_sandbox";

/// True when `target` belongs to the control API.
bool IsControlTarget(std::string_view target);

struct ControlSettings {
  std::string public_url;  ///< base of links; "" means http://<Host header>
  Secret webhook_secret;
  std::string webhook_ca_file;  ///< extra CA certificates for https webhook targets
};

/// An answer, or an instruction to wait for deliveries first.
struct ControlOutcome {
  ServerResponse response;
  /// When non-zero: wait until nothing is pending (or this long), then
  /// answer with DeliveriesAnswer() instead of `response`.
  std::chrono::milliseconds wait_for_idle{0};
};

class ControlRoutes {
 public:
  ControlRoutes(EventStore& store, FaultPlan& faults, ApiStats& stats, DeliveryLedger& ledger,
                WebhookSender& sender, ControlSettings settings);

  ControlOutcome Handle(const ServerRequest& request);

  /// The GET /_sandbox/deliveries body as of now.
  ServerResponse DeliveriesAnswer() const;

 private:
  ServerResponse CreateEvents(const ServerRequest& request);
  ServerResponse Trigger(const ServerRequest& request);
  ServerResponse Export(const ServerRequest& request);
  ServerResponse SetFaults(const ServerRequest& request);
  ServerResponse StatsAnswer() const;
  ServerResponse FetchesAnswer(std::string_view event_id) const;
  ServerResponse IdsAnswer(DeliveryOutcome outcome) const;
  ControlOutcome Deliveries(std::string_view query) const;

  EventStore& store_;
  FaultPlan& faults_;
  ApiStats& stats_;
  DeliveryLedger& ledger_;
  WebhookSender& sender_;
  ControlSettings settings_;
  std::atomic<uint64_t> batches_{0};
};

}  // namespace webhookd::sandbox
