// Counters of PayPro API calls by answer, read by /metrics.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <string_view>

#include "core/result.hpp"

namespace webhookd {

struct ClientResponse;

/// PayPro API calls (verification fetches and list walks) by outcome: an
/// HTTP status, "other" for statuses not listed, "timeout" for a passed
/// deadline, "error" for any other failure to get an answer. Lock-free.
struct ApiCallStats {
  static constexpr std::array<std::string_view, 13> kOutcomes = {
      "200", "400", "401", "403", "404", "429", "500", "502", "503", "504", "other", "timeout", "error"};
  std::array<std::atomic<uint64_t>, kOutcomes.size()> calls{};

  /// Counts one exchange as returned by HttpClient::Send.
  void Count(const Result<ClientResponse>& exchange);
  /// The slot of HTTP `status` in kOutcomes ("other" when not listed).
  static size_t SlotOf(unsigned status);
};

}  // namespace webhookd
