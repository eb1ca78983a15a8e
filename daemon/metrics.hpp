// Prometheus text exposition of the daemon's counters.
#pragma once

#include <string>

#include "daemon/pipeline_stats.hpp"
#include "daemon/webhook_endpoint.hpp"
#include "storage/inbox_writer.hpp"

namespace webhookd {

/// Everything /metrics shows, in the text format (version 0.0.4).
std::string RenderMetrics(const WebhookStats& webhooks, const InboxStats& inbox, const PipelineStats& pipeline);

}  // namespace webhookd
