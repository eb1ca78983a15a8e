// Prometheus text exposition of the daemon's counters, histograms and sampled gauges.
#pragma once

#include <string>

#include "daemon/metrics_sampler.hpp"
#include "daemon/pipeline_stats.hpp"
#include "daemon/webhook_endpoint.hpp"
#include "storage/inbox_writer.hpp"

namespace webhookd {

/// Everything /metrics shows, in the text format (version 0.0.4). Reads
/// only memory: the database gauges come from the sampler's last reading.
std::string RenderMetrics(const WebhookStats& webhooks, const InboxStats& inbox, const PipelineStats& pipeline,
                          const SampledGauges& sampled);

}  // namespace webhookd
