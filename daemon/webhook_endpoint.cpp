// Webhook requests: decide, store, answer.
#include "daemon/webhook_endpoint.hpp"

#include <spdlog/spdlog.h>

#include <chrono>

#include "core/http_status.hpp"
#include "daemon/client_address.hpp"
#include "daemon/intake.hpp"

namespace webhookd {

void WebhookStats::Count(unsigned status) {
  for (size_t i = 0; i < kStatuses.size(); ++i) {
    if (kStatuses[i] == status) {
      ++answers[i];
      return;
    }
  }
  ++answers.back();
}

HttpHandler MakeWebhookHandler(const Snapshot<Config>& current, InboxWriter& inbox, WebhookStats& stats) {
  return [&current, &inbox, &stats](ServerRequest request, Responder respond) {
    const auto received = std::chrono::steady_clock::now();
    const std::shared_ptr<const Config> config = current.Get();
    const IntakeSettings settings{config->server.path, config->paypro.webhook_secrets,
                                  config->paypro.timestamp_tolerance_s, config->server.allow_from};
    const int64_t now =
        std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
    const std::optional<IpAddress> client = ClientAddressOf(request, config->server.trusted_proxies);
    const std::string from = ClientLabel(request.peer_address, client);
    auto accepted = DecideIntake(std::move(request), client, settings, now);
    if (!accepted) {
      const ServerResponse response = ErrorResponse(accepted.error());
      // A refused client is either an attack or a missing allow_from entry,
      // and the latter loses every webhook: worth more than a debug line.
      const auto level = response.status == 403 ? spdlog::level::warn : spdlog::level::debug;
      spdlog::log(level, "webhook from {}: {} {}", from, response.status, accepted.error().detail);
      stats.Count(response.status);
      return respond(response);
    }
    std::string event_id = accepted->event.id;
    auto on_stored = [respond, &stats, event_id, from, received](Status stored) {
      const ServerResponse response = stored ? OkResponse("stored") : ErrorResponse(stored.error());
      spdlog::debug("webhook from {}: {} event {}", from, response.status, event_id);
      stats.Count(response.status);
      if (stored) stats.ack_seconds.ObserveSince(received);
      respond(response);
    };
    Status queued = inbox.Submit(InboxItem{std::move(accepted->event), std::move(accepted->body), on_stored});
    if (!queued) on_stored(queued);
  };
}

}  // namespace webhookd
