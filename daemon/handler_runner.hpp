// Workers that run outside handlers (http, exec) from their run records.
#pragma once

#include <atomic>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "config/config.hpp"
#include "core/work_signal.hpp"
#include "daemon/pipeline_stats.hpp"
#include "handlers/current_table.hpp"
#include "storage/handler_runs.hpp"

namespace pqxx {
class connection_base;
}

namespace webhookd {

/// Each worker claims one due run at a time under a short lease (renewed
/// while the handler runs, so that a killed daemon's runs are free again
/// half a minute later), calls the handler, and records the outcome:
/// success (the event is processed when its last run succeeds), a retry
/// after the handler's backoff (honouring a Retry-After), or dead when
/// attempts are spent. A handler whose target answered 410 is disabled
/// until the next reload. Runs of one slow handler
/// occupy at most its own concurrency, never intake or other resources.
class HandlerRunner {
 public:
  HandlerRunner(const Config& config, const CurrentTable& table, WorkSignal& runs_created, PipelineStats& stats);
  ~HandlerRunner();

  void Start();
  /// Claims no more runs; those in progress go on. Returns at once.
  void RequestStop();
  /// Lets the runs in progress finish, then joins.
  void Stop();
  /// At the shutdown deadline: kills the programs exec handlers run (with
  /// their process groups), and has the workers give back, without counting
  /// an attempt, every run that does not succeed from now on. They run again
  /// from the start when the daemon next starts (at least once, as promised).
  /// Called again, it kills the programs started since (runs that waited
  /// for their handler's slot).
  void Abandon();
  /// Gives back the runs that workers still hold, from the calling thread:
  /// for workers that did not come back after Abandon (an http call that
  /// cannot be interrupted). What such a worker records later is ignored.
  void ReleaseHeldRuns();
  /// Runs in progress now.
  int running() const;

  static constexpr int kWorkers = 8;

 private:
  void RunWorker(int index);
  /// Renews the leases of the runs workers hold, until Stop() has joined them.
  void KeepLeases();
  bool RunOne(pqxx::connection_base& connection, const std::string& owner);
  /// Outside handlers of `table` that are neither disabled nor saturated.
  std::vector<std::string> EnabledHandlers(const std::shared_ptr<const DispatchTable>& table);
  void Disable(const std::string& name);
  /// Notes that `owner` holds `run` while its handler runs, for ReleaseHeldRuns.
  void Hold(const std::string& owner, const ClaimedRun& run);
  void Unhold(const std::string& owner);

  const Config config_;
  const CurrentTable& table_;
  WorkSignal& runs_created_;
  PipelineStats& stats_;
  std::atomic<bool> stopping_{false};
  std::atomic<bool> abandoning_{false};
  mutable std::mutex held_mutex_;
  std::map<std::string, ClaimedRun> held_;  ///< by owner: the run each worker holds
  std::vector<std::thread> workers_;
  std::atomic<bool> keeper_stopping_{false};
  WorkSignal keeper_wake_;
  std::thread lease_keeper_;
  std::mutex disabled_mutex_;
  const DispatchTable* disabled_for_ = nullptr;  ///< the table the disabled set belongs to
  std::set<std::string> disabled_;
};

}  // namespace webhookd
