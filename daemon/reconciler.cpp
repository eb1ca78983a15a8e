// Periodic reconcile passes.
#include "daemon/reconciler.hpp"

#include <spdlog/spdlog.h>

#include "daemon/backfill.hpp"
#include "handlers/rfc3339.hpp"

namespace webhookd {

Reconciler::Reconciler(const Config& config, PipelineStats& stats, WorkSignal& verified)
    : config_(config), stats_(stats), verified_(verified) {}

Reconciler::~Reconciler() { Stop(); }

void Reconciler::Start() {
  if (config_.reconcile.interval.count() > 0) thread_ = std::thread([this] { Run(); });
}

void Reconciler::Stop() {
  {
    std::lock_guard lock(mutex_);
    stop_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void Reconciler::Run() {
  while (true) {
    {
      std::unique_lock lock(mutex_);
      if (wake_.wait_for(lock, config_.reconcile.interval, [&] { return stop_.load(); })) return;
    }
    Pass();
  }
}

void Reconciler::Pass() {
  const auto now = std::chrono::system_clock::now();
  const int64_t since_us =
      std::chrono::duration_cast<std::chrono::microseconds>((now - config_.reconcile.window).time_since_epoch()).count();
  BackfillOptions options;
  options.since = FormatRfc3339(since_us);
  options.name = "reconcile";
  options.api_stats = &stats_.api;
  auto summary = RunBackfill(config_, options, stop_);
  if (!summary) {
    spdlog::warn("reconcile: pass not completed: {}", summary.error().detail);
    return;
  }
  const int64_t recovered = summary->inserted + summary->completed;
  stats_.recovered += static_cast<uint64_t>(recovered);
  if (recovered > 0) {
    spdlog::warn("reconcile: recovered {} events that never arrived ({} new, {} stuck unverified) since {}",
                 recovered, summary->inserted, summary->completed, *options.since);
    verified_.Notify();
  } else {
    spdlog::info("reconcile: {} events since {} all present", summary->seen, *options.since);
  }
}

}  // namespace webhookd
