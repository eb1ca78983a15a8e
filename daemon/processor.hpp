// Workers that run the in-database handlers of verified events and mark them processed.
#pragma once

#include <atomic>
#include <thread>
#include <vector>

#include "config/config.hpp"
#include "core/work_signal.hpp"
#include "daemon/pipeline_stats.hpp"
#include "handlers/current_table.hpp"

namespace pqxx {
class connection_base;
}

namespace webhookd {

class ProcessingCommitter;

/// Each worker claims a batch of due events inside one transaction, runs
/// their in-database handlers (sql, notify, mirror), creates run records for
/// their outside handlers (http, exec), marks the events processed (or, when
/// outside handlers are due, in-database work done) and commits: handler
/// effects and progress happen together or not at all. After the commit it
/// runs the after-commit handlers (log). A failing event rolls the batch
/// back, is marked failed with its handler's backoff (dead when attempts are
/// spent), and the rest of the batch is claimed again at once. The
/// processors take the events the verifiers leave verified: those waiting
/// for an earlier event of their resource, those with outside handlers, and
/// retries (see Verifier::Record).
class Processor {
 public:
  Processor(const Config& config, const CurrentTable& table, WorkSignal& verified, WorkSignal& runs_created,
            PipelineStats& stats);
  ~Processor();

  void Start();
  /// Lets the batches in progress finish, then joins.
  void Stop();

 private:
  void RunWorker();
  bool ProcessBatch(pqxx::connection_base& connection, ProcessingCommitter& committer);

  const Config config_;
  const CurrentTable& table_;
  WorkSignal& verified_;
  WorkSignal& runs_created_;
  PipelineStats& stats_;
  std::atomic<bool> stopping_{false};
  std::vector<std::thread> workers_;
};

}  // namespace webhookd
