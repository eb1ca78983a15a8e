// Delivers triggered events as signed webhook calls, like PayPro does.
#pragma once

#include <chrono>
#include <cstdint>
#include <list>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/http_message.hpp"
#include "core/secret.hpp"
#include "core/url.hpp"
#include "sandbox/delivery_ledger.hpp"
#include "sandbox/event_store.hpp"
#include "sandbox/fault_plan.hpp"

namespace webhookd::sandbox {

/// The POST PayPro makes for `body` signed at `timestamp` (Unix seconds):
/// `PayPro-Timestamp` and `PayPro-Signature` (hex HMAC-SHA256 over
/// "<timestamp>.<body>"), JSON content type.
ClientRequest BuildWebhookRequest(std::string_view target, std::string body, const Secret& secret,
                                  int64_t timestamp);

/// The wait before the next attempt after `failed_attempts` failures:
/// 100 ms doubling up to 5 s, or the server's Retry-After (capped at 5 s).
std::chrono::milliseconds RetryDelay(int failed_attempts,
                                     std::optional<std::chrono::seconds> retry_after);

/// One trigger's deliveries and how to make them.
struct DeliveryBatch {
  Url to;
  Secret secret;
  std::string ca_file;       ///< extra CA certificates (PEM) for an https target; "" for none
  std::string escaped_base;  ///< base URL of the links in the bodies (see base_template.hpp)
  size_t concurrency = 8;    ///< delivery threads, each with one keep-alive connection
  int max_attempts = 8;
  std::vector<const StoredEvent*> events;
  std::vector<DeliveryFate> fates;  ///< one per event
};

/// Runs each batch on its own threads with blocking keep-alive clients, so
/// no Asio thread of the server ever waits on a receiver.
class WebhookSender {
 public:
  explicit WebhookSender(DeliveryLedger& ledger);
  ~WebhookSender();
  WebhookSender(const WebhookSender&) = delete;
  WebhookSender& operator=(const WebhookSender&) = delete;

  /// Records drops, queues the rest and starts the threads; returns at once.
  void Start(DeliveryBatch batch);

  /// Abandons queued deliveries and joins every thread (a request in
  /// progress ends within its timeout).
  void Stop();

 private:
  struct Running;
  void Reap();

  DeliveryLedger& ledger_;
  std::mutex mutex_;
  std::list<std::unique_ptr<Running>> running_;
  bool stopped_ = false;
};

}  // namespace webhookd::sandbox
