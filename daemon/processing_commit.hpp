// The commit of a transaction that processed events, and what follows it:
// counting the handler runs that committed, running the after-commit
// handlers (log), logging and counting the events processed. Each of these
// must happen once, after the commit, and only if it committed.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "daemon/event_dispatch.hpp"
#include "daemon/pipeline_stats.hpp"

namespace pqxx {
class connection_base;
class transaction_base;
}  // namespace pqxx

namespace webhookd {

/// What follows one processing transaction's commit.
struct AfterCommit {
  std::vector<Dispatch> dispatched;        ///< their after-commit handlers run
  std::vector<std::string> processed_ids;  ///< logged and counted processed
  std::vector<CommittedRun> runs;          ///< in-database handler runs, counted done

  bool empty() const { return dispatched.empty() && processed_ids.empty() && runs.empty(); }
};

/// Commits one worker's processing transactions. When the connection is lost
/// during COMMIT (pqxx::in_doubt_error), the transaction may have committed
/// or not: the aftermath is kept, the error goes on to the worker (which
/// connects again), and the worker's next round asks PostgreSQL, by the
/// transaction's id, whether it committed. Committed, the aftermath happens
/// then; rolled back, it is dropped, because the events are due again and
/// their next processing brings its own. One per worker thread.
class ProcessingCommitter {
 public:
  explicit ProcessingCommitter(PipelineStats& stats) : stats_(stats) {}
  ~ProcessingCommitter();
  ProcessingCommitter(const ProcessingCommitter&) = delete;
  ProcessingCommitter& operator=(const ProcessingCommitter&) = delete;

  /// Commits `tx`, then does `after`. On pqxx::in_doubt_error keeps `after` and rethrows.
  void Commit(pqxx::transaction_base& tx, AfterCommit after);
  /// The same, for a caller that read `tx`'s id (TransactionId) with its last statements.
  void Commit(pqxx::transaction_base& tx, AfterCommit after, std::string transaction_id);
  /// Settles a commit left in doubt, if any, on a new `connection`; call it
  /// before each round. Waits (keeps it) while the outcome is not known yet.
  void Settle(pqxx::connection_base& connection);
  /// A commit waits to be settled.
  bool in_doubt() const { return in_doubt_.has_value(); }

 private:
  void Follow(AfterCommit& after);

  struct InDoubt {
    std::string transaction_id;
    AfterCommit after;
  };
  PipelineStats& stats_;
  std::optional<InDoubt> in_doubt_;
};

}  // namespace webhookd
