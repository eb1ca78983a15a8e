// Glue between the webhook listener, the intake decision and the inbox.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <memory>

#include "config/config.hpp"
#include "core/histogram.hpp"
#include "core/snapshot.hpp"
#include "core/http_server.hpp"
#include "storage/inbox_writer.hpp"

namespace webhookd {

/// Answers given on the webhook listener, by status.
struct WebhookStats {
  static constexpr std::array<unsigned, 10> kStatuses = {200, 400, 401, 403, 404, 405, 413, 431, 503, 500};
  std::array<std::atomic<uint64_t>, kStatuses.size()> answers{};
  /// Seconds from a webhook's request being handed to us (body read) to its
  /// 200 answer, the inbox commit included; acknowledged requests only.
  Histogram ack_seconds{kAckBuckets};

  void Count(unsigned status);
};

/// The handler for the webhook listener: checks the call, queues it for the
/// inbox, and answers 200 once its row is committed. Secrets and tolerance
/// come from the config in force, so a reload can rotate secrets.
HttpHandler MakeWebhookHandler(const Snapshot<Config>& config, InboxWriter& inbox, WebhookStats& stats);

}  // namespace webhookd
