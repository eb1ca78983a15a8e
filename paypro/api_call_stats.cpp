// Sorting API exchanges into outcome counters.
#include "paypro/api_call_stats.hpp"

#include <charconv>

#include "core/http_message.hpp"

namespace webhookd {

namespace {

constexpr size_t kOther = 10;
constexpr size_t kTimeout = 11;
constexpr size_t kError = 12;
static_assert(ApiCallStats::kOutcomes[kOther] == "other" && ApiCallStats::kOutcomes[kTimeout] == "timeout" &&
              ApiCallStats::kOutcomes[kError] == "error");

}  // namespace

size_t ApiCallStats::SlotOf(unsigned status) {
  for (size_t i = 0; i < kOther; ++i) {
    unsigned listed = 0;
    std::from_chars(kOutcomes[i].data(), kOutcomes[i].data() + kOutcomes[i].size(), listed);
    if (listed == status) return i;
  }
  return kOther;
}

void ApiCallStats::Count(const Result<ClientResponse>& exchange) {
  size_t slot = kError;
  if (exchange) {
    slot = SlotOf(exchange->status);
  } else if (exchange.error().code == ErrorCode::kTimeout) {
    slot = kTimeout;
  }
  calls[slot].fetch_add(1, std::memory_order_relaxed);
}

}  // namespace webhookd
