// Commits that are followed up exactly once, even when COMMIT's answer is lost.
#include "daemon/processing_commit.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <pqxx/pqxx>

#include "storage/transaction_outcome.hpp"

namespace webhookd {

namespace {

void WarnNeverFollowed(std::string_view why, const std::string& transaction_id, const AfterCommit& after) {
  spdlog::warn("{} whether transaction {} committed: if it did, events {} were processed but not logged, and "
               "their after-commit handlers did not run",
               why, transaction_id, fmt::join(after.processed_ids, ", "));
}

}  // namespace

ProcessingCommitter::~ProcessingCommitter() {
  if (in_doubt_) WarnNeverFollowed("stopping without knowing", in_doubt_->transaction_id, in_doubt_->after);
}

void ProcessingCommitter::Commit(pqxx::transaction_base& tx, AfterCommit after) {
  // Reading the id costs a round trip, paid only when something follows.
  std::string transaction_id = after.empty() ? std::string() : TransactionId(tx);
  Commit(tx, std::move(after), std::move(transaction_id));
}

void ProcessingCommitter::Commit(pqxx::transaction_base& tx, AfterCommit after, std::string transaction_id) {
  const bool follows = !after.empty();
  try {
    tx.commit();
  } catch (const pqxx::in_doubt_error&) {
    if (follows) {
      spdlog::warn("connection lost during COMMIT of transaction {} ({} events): its outcome is asked for "
                   "once connected again",
                   transaction_id, after.processed_ids.size());
      in_doubt_ = InDoubt{transaction_id, std::move(after)};
    }
    throw;
  }
  Follow(after);
}

void ProcessingCommitter::Settle(pqxx::connection_base& connection) {
  if (!in_doubt_) return;
  switch (OutcomeOf(connection, in_doubt_->transaction_id)) {
    case TransactionOutcome::kInProgress:
      return;
    case TransactionOutcome::kCommitted:
      spdlog::info("transaction {} left in doubt had committed", in_doubt_->transaction_id);
      Follow(in_doubt_->after);
      break;
    case TransactionOutcome::kAborted:
      spdlog::info("transaction {} left in doubt was rolled back: its events are processed again",
                   in_doubt_->transaction_id);
      break;
    case TransactionOutcome::kForgotten:
      WarnNeverFollowed("PostgreSQL no longer knows", in_doubt_->transaction_id, in_doubt_->after);
      break;
  }
  in_doubt_.reset();
}

void ProcessingCommitter::Follow(AfterCommit& after) {
  for (const CommittedRun& run : after.runs) run.series->Record(RunResult::kDone, run.took);
  for (const Dispatch& dispatch : after.dispatched) RunAfterCommit(dispatch, stats_.handlers);
  for (const std::string& id : after.processed_ids) spdlog::info("event {} processed", id);
  stats_.processed += after.processed_ids.size();
}

}  // namespace webhookd
