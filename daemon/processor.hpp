// Workers that hand verified events to their handlers and mark them processed.
#pragma once

#include <atomic>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "config/config.hpp"
#include "core/work_signal.hpp"
#include "daemon/pipeline_stats.hpp"
#include "handlers/dispatch_table.hpp"

namespace pqxx {
class connection_base;
}

namespace webhookd {

/// Each worker claims a batch of due events inside one transaction, runs the
/// in-transaction handlers, marks the events processed and commits: handler
/// effects and the processed mark happen together or not at all. After the
/// commit it runs the after-commit handlers. A failing event rolls the batch
/// back, is marked failed with a backoff (dead when attempts are spent), and
/// the rest of the batch is taken again at once.
class Processor {
 public:
  Processor(const Config& config, std::shared_ptr<const DispatchTable> table, WorkSignal& verified,
            PipelineStats& stats);
  ~Processor();

  void Start();
  /// Lets the batch in progress finish, then joins.
  void Stop();

  /// Swaps in a new dispatch table; batches already running keep the old one.
  void SetDispatchTable(std::shared_ptr<const DispatchTable> table);

 private:
  void RunWorker();
  bool ProcessBatch(pqxx::connection_base& connection);
  std::shared_ptr<const DispatchTable> table() const;

  const Config config_;
  mutable std::mutex table_mutex_;
  std::shared_ptr<const DispatchTable> table_;
  WorkSignal& verified_;
  PipelineStats& stats_;
  std::atomic<bool> stopping_{false};
  std::vector<std::thread> workers_;
};

}  // namespace webhookd
