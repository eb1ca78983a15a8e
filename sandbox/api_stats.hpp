// Counters of the sandbox's API traffic, for tests and benchmarks to read.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <map>
#include <mutex>
#include <string_view>

#include "sandbox/string_hash.hpp"

namespace webhookd::sandbox {

/// A copy of the counters at one moment.
struct ApiStatsSnapshot {
  uint64_t api_requests = 0;             ///< requests to API routes (control routes excluded)
  uint64_t event_fetches = 0;            ///< GET /events/{id}
  uint64_t list_requests = 0;            ///< GET /events
  uint64_t unauthorized = 0;             ///< answered 401
  uint64_t timeouts = 0;                 ///< held without an answer (timeout_rate)
  std::map<unsigned, uint64_t> answers;  ///< answers per HTTP status
};

/// Lock-free counters, plus a per-event-id fetch count under a mutex that is
/// held for one hash-map update.
class ApiStats {
 public:
  void CountRequest() { api_requests_.fetch_add(1, std::memory_order_relaxed); }
  void CountList() { list_requests_.fetch_add(1, std::memory_order_relaxed); }
  void CountUnauthorized() { unauthorized_.fetch_add(1, std::memory_order_relaxed); }
  void CountTimeout() { timeouts_.fetch_add(1, std::memory_order_relaxed); }
  /// A GET /events/{id}, whatever its answer.
  void CountEventFetch(std::string_view id);
  /// An answer with HTTP `status`.
  void CountAnswer(unsigned status);

  /// How many GET /events/{id} named `id`.
  uint64_t Fetches(std::string_view id) const;
  ApiStatsSnapshot Snapshot() const;
  void Reset();

 private:
  static constexpr size_t kStatusSlots = 600;

  std::atomic<uint64_t> api_requests_{0};
  std::atomic<uint64_t> event_fetches_{0};
  std::atomic<uint64_t> list_requests_{0};
  std::atomic<uint64_t> unauthorized_{0};
  std::atomic<uint64_t> timeouts_{0};
  std::array<std::atomic<uint64_t>, kStatusSlots> answers_{};
  mutable std::mutex fetches_mutex_;
  StringMap<uint64_t> fetches_;
};

}  // namespace webhookd::sandbox
