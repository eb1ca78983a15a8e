// API traffic counters.
#include "sandbox/api_stats.hpp"

namespace webhookd::sandbox {

void ApiStats::CountEventFetch(std::string_view id) {
  event_fetches_.fetch_add(1, std::memory_order_relaxed);
  std::lock_guard lock(fetches_mutex_);
  const auto found = fetches_.find(id);
  if (found != fetches_.end()) {
    ++found->second;
  } else {
    fetches_.emplace(std::string(id), 1);
  }
}

void ApiStats::CountAnswer(unsigned status) {
  if (status < kStatusSlots) answers_[status].fetch_add(1, std::memory_order_relaxed);
}

uint64_t ApiStats::Fetches(std::string_view id) const {
  std::lock_guard lock(fetches_mutex_);
  const auto found = fetches_.find(id);
  return found == fetches_.end() ? 0 : found->second;
}

ApiStatsSnapshot ApiStats::Snapshot() const {
  ApiStatsSnapshot snapshot;
  snapshot.api_requests = api_requests_.load(std::memory_order_relaxed);
  snapshot.event_fetches = event_fetches_.load(std::memory_order_relaxed);
  snapshot.list_requests = list_requests_.load(std::memory_order_relaxed);
  snapshot.unauthorized = unauthorized_.load(std::memory_order_relaxed);
  snapshot.timeouts = timeouts_.load(std::memory_order_relaxed);
  for (unsigned status = 0; status < kStatusSlots; ++status) {
    const uint64_t count = answers_[status].load(std::memory_order_relaxed);
    if (count > 0) snapshot.answers[status] = count;
  }
  return snapshot;
}

void ApiStats::Reset() {
  for (auto* counter :
       {&api_requests_, &event_fetches_, &list_requests_, &unauthorized_, &timeouts_}) {
    counter->store(0, std::memory_order_relaxed);
  }
  for (auto& counter : answers_) counter.store(0, std::memory_order_relaxed);
  std::lock_guard lock(fetches_mutex_);
  fetches_.clear();
}

}  // namespace webhookd::sandbox
