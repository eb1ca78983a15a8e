// Webhook requests: decide, store, answer.
#include "daemon/webhook_endpoint.hpp"

#include <spdlog/spdlog.h>

#include <chrono>

#include "core/http_status.hpp"
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
    const std::shared_ptr<const Config> config = current.Get();
    const IntakeSettings settings{config->server.path, config->paypro.webhook_secrets,
                                  config->paypro.timestamp_tolerance_s};
    const int64_t now =
        std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
    const std::string peer = request.peer_address;
    auto accepted = DecideIntake(std::move(request), settings, now);
    if (!accepted) {
      const ServerResponse response = ErrorResponse(accepted.error());
      spdlog::debug("webhook from {}: {} {}", peer, response.status, accepted.error().detail);
      stats.Count(response.status);
      return respond(response);
    }
    std::string event_id = accepted->event.id;
    auto on_stored = [respond, &stats, event_id, peer](Status stored) {
      const ServerResponse response = stored ? OkResponse("stored") : ErrorResponse(stored.error());
      spdlog::debug("webhook from {}: {} event {}", peer, response.status, event_id);
      stats.Count(response.status);
      respond(response);
    };
    Status queued = inbox.Submit(InboxItem{std::move(accepted->event), std::move(accepted->body), on_stored});
    if (!queued) on_stored(queued);
  };
}

}  // namespace webhookd
