// The daemon's own backfill over a recent window, so lost calls heal unnoticed.
#pragma once

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "config/config.hpp"
#include "core/work_signal.hpp"
#include "daemon/pipeline_stats.hpp"

namespace webhookd {

/// Every `reconcile.interval_s` walks PayPro's events list back
/// `reconcile.window_s` (the same walk as --backfill, with its own progress),
/// and logs and counts the events that never arrived. Off when the interval is 0.
class Reconciler {
 public:
  Reconciler(const Config& config, PipelineStats& stats, WorkSignal& verified);
  ~Reconciler();

  void Start();
  void Stop();

 private:
  void Run();
  void Pass();

  const Config config_;
  PipelineStats& stats_;
  WorkSignal& verified_;
  std::atomic<bool> stop_{false};
  std::mutex mutex_;
  std::condition_variable wake_;
  std::thread thread_;
};

}  // namespace webhookd
