// The per-handler series registry.
#include "daemon/handler_stats.hpp"

namespace webhookd {

void HandlerSeries::Record(RunResult result, std::chrono::nanoseconds took) {
  Count(result);
  duration.Observe(took);
}

void HandlerSeries::Count(RunResult result) {
  runs[static_cast<size_t>(result)].fetch_add(1, std::memory_order_relaxed);
}

HandlerSeries& HandlerStats::For(const std::string& name) {
  std::lock_guard lock(mutex_);
  std::unique_ptr<HandlerSeries>& series = series_[name];
  if (!series) series = std::make_unique<HandlerSeries>();
  return *series;
}

void HandlerStats::ForEach(
    const std::function<void(const std::string& name, const HandlerSeries& series)>& visit) const {
  std::lock_guard lock(mutex_);
  for (const auto& [name, series] : series_) visit(name, *series);
}

}  // namespace webhookd
