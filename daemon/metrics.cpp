// Counters as Prometheus text.
#include "daemon/metrics.hpp"

#include <fmt/format.h>

#include "core/version.hpp"

namespace webhookd {

namespace {

void Counter(std::string& out, std::string_view name, std::string_view help, uint64_t value) {
  out += fmt::format("# HELP {0} {1}\n# TYPE {0} counter\n{0} {2}\n", name, help, value);
}

}  // namespace

std::string RenderMetrics(const WebhookStats& webhooks, const InboxStats& inbox, const PipelineStats& pipeline) {
  std::string out;
  out += "# HELP paypro_webhookd_webhook_requests_total Webhook requests answered, by status code.\n"
         "# TYPE paypro_webhookd_webhook_requests_total counter\n";
  for (size_t i = 0; i < WebhookStats::kStatuses.size(); ++i) {
    out += fmt::format("paypro_webhookd_webhook_requests_total{{code=\"{}\"}} {}\n", WebhookStats::kStatuses[i],
                       webhooks.answers[i].load());
  }
  Counter(out, "paypro_webhookd_inbox_batches_total", "Inbox transactions committed.", inbox.batches);
  Counter(out, "paypro_webhookd_inbox_rows_total", "Webhooks committed to the inbox.", inbox.rows_committed);
  Counter(out, "paypro_webhookd_inbox_refused_full_total", "Webhooks refused because the queue was full.",
          inbox.rejected_full);
  Counter(out, "paypro_webhookd_inbox_refused_down_total", "Webhooks refused because the database was down.",
          inbox.rejected_down);
  Counter(out, "paypro_webhookd_events_verified_total", "Events confirmed by PayPro.", pipeline.verified);
  Counter(out, "paypro_webhookd_events_rejected_total", "Events PayPro does not know.", pipeline.rejected);
  Counter(out, "paypro_webhookd_verify_retries_total", "Verification attempts to be repeated.", pipeline.verify_retries);
  Counter(out, "paypro_webhookd_api_calls_total", "GET /events/{id} calls made.", pipeline.api_calls);
  Counter(out, "paypro_webhookd_api_failures_total", "API calls without a usable answer.", pipeline.api_failures);
  Counter(out, "paypro_webhookd_events_processed_total", "Events whose handlers all succeeded.", pipeline.processed);
  Counter(out, "paypro_webhookd_processing_failures_total", "Processing attempts that failed.",
          pipeline.process_failures);
  Counter(out, "paypro_webhookd_events_dead_total", "Events whose attempts are spent.", pipeline.dead);
  Counter(out, "paypro_webhookd_events_recovered_total",
          "Events the reconcile pass found in PayPro's list that never arrived (or never got verified).",
          pipeline.recovered);
  out += fmt::format(
      "# HELP paypro_webhookd_build_info Build information.\n# TYPE paypro_webhookd_build_info gauge\n"
      "paypro_webhookd_build_info{{version=\"{}\"}} 1\n",
      kVersion);
  return out;
}

}  // namespace webhookd
