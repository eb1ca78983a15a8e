// What /metrics shows, family by family.
#include "daemon/metrics.hpp"

#include <fmt/format.h>

#include "core/version.hpp"
#include "daemon/metrics_text.hpp"

namespace webhookd {

namespace {

void RenderWebhooks(MetricsText& text, const WebhookStats& webhooks, const InboxStats& inbox) {
  text.Family("paypro_webhookd_webhook_requests_total", "counter", "Webhook requests answered, by status code.");
  for (size_t i = 0; i < WebhookStats::kStatuses.size(); ++i) {
    text.Sample("paypro_webhookd_webhook_requests_total", Label("code", std::to_string(WebhookStats::kStatuses[i])),
                webhooks.answers[i].load());
  }
  text.Family("paypro_webhookd_ack_duration_seconds", "histogram",
              "Seconds from a webhook request (body read) to its 200 answer, the inbox commit included.");
  text.HistogramSeries("paypro_webhookd_ack_duration_seconds", "", webhooks.ack_seconds.bounds(),
                       webhooks.ack_seconds.Read());
  text.Counter("paypro_webhookd_inbox_batches_total", "Inbox transactions committed.", inbox.batches);
  text.Counter("paypro_webhookd_inbox_rows_total", "Webhooks committed to the inbox.", inbox.rows_committed);
  text.Counter("paypro_webhookd_inbox_refused_full_total", "Webhooks refused because the queue was full.",
               inbox.rejected_full);
  text.Counter("paypro_webhookd_inbox_refused_down_total", "Webhooks refused because the database was down.",
               inbox.rejected_down);
}

void RenderVerification(MetricsText& text, const PipelineStats& pipeline) {
  text.Counter("paypro_webhookd_events_verified_total", "Events confirmed by PayPro.", pipeline.verified);
  text.Counter("paypro_webhookd_events_rejected_total", "Events PayPro does not know.", pipeline.rejected);
  text.Counter("paypro_webhookd_verify_retries_total", "Verification attempts to be repeated.",
               pipeline.verify_retries);
  text.Counter("paypro_webhookd_api_calls_total", "GET /events/{id} calls made.", pipeline.api_calls);
  text.Counter("paypro_webhookd_api_failures_total", "GET /events/{id} calls without a usable answer.",
               pipeline.api_failures);
  text.Family("paypro_webhookd_api_requests_total", "counter",
              "PayPro API calls (verification and reconcile), by answer: HTTP status, other, timeout or error.");
  for (size_t i = 0; i < ApiCallStats::kOutcomes.size(); ++i) {
    text.Sample("paypro_webhookd_api_requests_total", Label("code", ApiCallStats::kOutcomes[i]),
                pipeline.api.calls[i].load());
  }
  text.Family("paypro_webhookd_verification_duration_seconds", "histogram",
              "Seconds per GET /events/{id} call to PayPro, whatever the answer.");
  text.HistogramSeries("paypro_webhookd_verification_duration_seconds", "", pipeline.verification_call.bounds(),
                       pipeline.verification_call.Read());
  text.Family("paypro_webhookd_verification_delay_seconds", "histogram",
              "Seconds from an event's receipt to its verification, retries included; verified events only.");
  text.HistogramSeries("paypro_webhookd_verification_delay_seconds", "", pipeline.verification_delay.bounds(),
                       pipeline.verification_delay.Read());
}

void RenderProcessing(MetricsText& text, const PipelineStats& pipeline) {
  text.Counter("paypro_webhookd_events_processed_total", "Events whose handlers all succeeded.", pipeline.processed);
  text.Counter("paypro_webhookd_processing_failures_total", "Processing attempts that failed.",
               pipeline.process_failures);
  text.Counter("paypro_webhookd_events_dead_total", "Events whose attempts are spent.", pipeline.dead);
  text.Counter("paypro_webhookd_events_recovered_total",
               "Events the reconcile pass found in PayPro's list that never arrived (or never got verified).",
               pipeline.recovered);
  text.Family("paypro_webhookd_handler_runs_total", "counter",
              "Handler runs by handler and result: done; retry (failed, tried again later); dead (failed, not "
              "tried again); disabled (target answered 410, off until reload).");
  pipeline.handlers.ForEach([&](const std::string& name, const HandlerSeries& series) {
    const std::string handler = Label("handler", name);
    for (size_t i = 0; i < kRunResultNames.size(); ++i) {
      text.Sample("paypro_webhookd_handler_runs_total", handler + "," + Label("result", kRunResultNames[i]),
                  series.runs[i].load());
    }
  });
  text.Family("paypro_webhookd_handler_duration_seconds", "histogram", "Seconds per handler run, by handler.");
  pipeline.handlers.ForEach([&](const std::string& name, const HandlerSeries& series) {
    text.HistogramSeries("paypro_webhookd_handler_duration_seconds", Label("handler", name), series.duration.bounds(),
                         series.duration.Read());
  });
}

void RenderBacklog(MetricsText& text, const SampledGauges& sampled) {
  text.Gauge("paypro_webhookd_backlog_sample_age_seconds",
             "Seconds since the database gauges (events, backlog) were last read; they are kept while "
             "PostgreSQL is unreachable.",
             sampled.age_s);
  if (!sampled.sample) return;
  const BacklogSample& sample = *sampled.sample;
  text.Family("paypro_webhookd_events", "gauge",
              "Stored events by state; processed ones are not counted here (see "
              "paypro_webhookd_events_processed_total).");
  for (size_t i = 0; i < kSampledStates.size(); ++i) {
    text.Sample("paypro_webhookd_events", Label("state", kSampledStates[i]), sample.events[i]);
  }
  text.Family("paypro_webhookd_backlog_events", "gauge",
              "Events waiting: unverified (received, not yet verified) and unprocessed (verified, handlers "
              "not all done).");
  text.Sample("paypro_webhookd_backlog_events", Label("stage", "unverified"), sample.unverified);
  text.Sample("paypro_webhookd_backlog_events", Label("stage", "unprocessed"), sample.unprocessed);
  text.Family("paypro_webhookd_backlog_oldest_age_seconds", "gauge",
              "Age of the oldest waiting event: unverified since its receipt, unprocessed since its "
              "verification; 0 when none waits.");
  text.Sample("paypro_webhookd_backlog_oldest_age_seconds", Label("stage", "unverified"), sample.oldest_unverified_s);
  text.Sample("paypro_webhookd_backlog_oldest_age_seconds", Label("stage", "unprocessed"),
              sample.oldest_unprocessed_s);
}

}  // namespace

std::string RenderMetrics(const WebhookStats& webhooks, const InboxStats& inbox, const PipelineStats& pipeline,
                          const SampledGauges& sampled) {
  MetricsText text;
  RenderWebhooks(text, webhooks, inbox);
  RenderVerification(text, pipeline);
  RenderProcessing(text, pipeline);
  RenderBacklog(text, sampled);
  text.Family("paypro_webhookd_build_info", "gauge", "Build information.");
  text.Sample("paypro_webhookd_build_info", Label("version", kVersion), uint64_t{1});
  return text.Take();
}

}  // namespace webhookd
