// Counters of the verification and processing stages, read by /metrics.
#pragma once

#include <atomic>
#include <cstdint>

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
};

}  // namespace webhookd
