// Counters of the verification and processing stages, read by /metrics.
#pragma once

#include <atomic>
#include <cstdint>

#include "core/histogram.hpp"
#include "daemon/handler_stats.hpp"
#include "paypro/api_call_stats.hpp"

namespace webhookd {

struct PipelineStats {
  std::atomic<uint64_t> verified{0};         ///< events PayPro confirmed
  std::atomic<uint64_t> rejected{0};         ///< events PayPro does not know (404)
  std::atomic<uint64_t> verify_retries{0};   ///< verification attempts to repeat later
  std::atomic<uint64_t> api_calls{0};        ///< GET /events/{id} calls made
  std::atomic<uint64_t> api_failures{0};     ///< calls without a usable answer
  std::atomic<uint64_t> processed{0};        ///< events whose handlers all succeeded
  std::atomic<uint64_t> process_failures{0}; ///< processing attempts that failed
  std::atomic<uint64_t> dead{0};             ///< events whose attempts are spent
  std::atomic<uint64_t> recovered{0};        ///< events the reconcile pass found missing

  ApiCallStats api;                                ///< every PayPro API call, by answer
  Histogram verification_call{kApiCallBuckets};    ///< seconds per GET /events/{id}, any answer
  Histogram verification_delay{kQueueDelayBuckets};///< seconds from receipt to verified, per verified event
  HandlerStats handlers;                           ///< runs and their seconds, per handler
};

}  // namespace webhookd
