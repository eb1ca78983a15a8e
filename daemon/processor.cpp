// Processing workers.
#include "daemon/processor.hpp"

#include <spdlog/spdlog.h>

#include <pqxx/pqxx>
#include <unordered_set>

#include "daemon/backoff.hpp"
#include "daemon/database_worker.hpp"
#include "daemon/event_dispatch.hpp"
#include "daemon/processing_commit.hpp"
#include "storage/handler_runs.hpp"
#include "storage/processing_queue.hpp"

namespace webhookd {

namespace {

// An event whose attempt failed, and why.
struct Failure {
  std::string event_id;
  int attempts = 0;
  std::string error;
  RetryPolicy retry;
  bool permanent = false;            ///< retrying cannot help (PayPro's copy does not decode)
  HandlerSeries* handler = nullptr;  ///< the handler that failed, if one did
  std::chrono::nanoseconds took{0};  ///< how long it ran
};

}  // namespace

Processor::Processor(const Config& config, const CurrentTable& table, WorkSignal& verified, WorkSignal& runs_created,
                     PipelineStats& stats)
    : config_(config), table_(table), verified_(verified), runs_created_(runs_created), stats_(stats) {}

Processor::~Processor() { Stop(); }

void Processor::Start() {
  for (int i = 0; i < config_.processor.workers; ++i) workers_.emplace_back([this] { RunWorker(); });
}

void Processor::Stop() {
  stopping_ = true;
  verified_.NotifyAll();
  for (std::thread& worker : workers_) worker.join();
  workers_.clear();
}

void Processor::RunWorker() {
  // A failed round's transaction is rolled back: its batch is due again as it was.
  ProcessingCommitter committer(stats_);
  RunDatabaseWorker("processor", config_.database.url, stopping_, verified_,
                    [&](pqxx::connection_base& connection) { return ProcessBatch(connection, committer); });
}

bool Processor::ProcessBatch(pqxx::connection_base& connection, ProcessingCommitter& committer) {
  committer.Settle(connection);
  const std::shared_ptr<const DispatchTable> table = table_.Get();
  const RetryPolicy default_retry{config_.processor.max_attempts, std::chrono::milliseconds(1000),
                                  config_.processor.max_backoff};
  AfterCommit after;
  std::optional<Failure> failure;
  bool created_runs = false;
  bool full = false;
  // Resources whose earlier event in this batch now has handler runs open:
  // their later events wait for those runs, as the claim would have them.
  std::unordered_set<std::string> waiting_resources;
  {
    pqxx::work tx(connection);
    std::vector<ProcessingClaim> claims = ClaimForProcessing(tx, config_.processor.batch_size);
    if (claims.empty()) return false;
    full = claims.size() >= static_cast<size_t>(config_.processor.batch_size);
    after.dispatched.reserve(claims.size());
    for (ProcessingClaim& claim : claims) {
      if (waiting_resources.contains(claim.resource_id)) continue;
      auto dispatch = DispatchEvent(*table, claim.verified_body);
      if (!dispatch) {
        failure = Failure{claim.event_id, claim.attempts, "PayPro's copy does not decode: " + dispatch.error().detail,
                          default_retry, true, nullptr, {}};
        break;
      }
      if (auto failed = RunInTransaction(*dispatch, tx, stats_.handlers, after.runs)) {
        failure = Failure{claim.event_id, claim.attempts, "handler " + failed->handler->name() + ": " + failed->error,
                          failed->handler->retry(), false, failed->series, failed->took};
        break;
      }
      if (dispatch->outside.empty()) {
        after.processed_ids.push_back(dispatch->event.id);
      } else {
        std::vector<std::string> outside;
        for (const Handler* handler : dispatch->outside) outside.push_back(handler->name());
        CreateRuns(tx, dispatch->event.id, outside);
        created_runs = true;
        if (!claim.resource_id.empty()) waiting_resources.insert(claim.resource_id);
      }
      after.dispatched.push_back(std::move(*dispatch));
    }
    if (!failure) {
      MarkProcessed(tx, after.processed_ids);
      committer.Commit(tx, std::move(after));
    }
  }
  if (failure) {
    // The batch was rolled back; only the failing event waits, the others
    // are claimed again by the next round.
    const int failures = failure->attempts + 1;
    const bool dead = failure->permanent || failures >= failure->retry.max_attempts;
    const auto delay = RetryDelay(failures, failure->retry.initial_backoff, failure->retry.max_backoff, JitterDraw());
    pqxx::work tx(connection);
    MarkFailed(tx, failure->event_id, failure->error, delay, dead);
    tx.commit();
    ++(dead ? stats_.dead : stats_.process_failures);
    // Runs that succeeded in the rolled-back batch are not counted: they run again.
    if (failure->handler != nullptr) {
      failure->handler->Record(dead ? RunResult::kDead : RunResult::kRetry, failure->took);
    }
    spdlog::warn("event {} {}: {}", failure->event_id, dead ? "dead" : "failed, will retry", failure->error);
    return true;
  }
  // One notice for the runs of many events: every runner may have one to run.
  if (created_runs) runs_created_.NotifyAll();
  // A batch that was not full took every event due: the next round waits for
  // the verifier's notice instead of claiming again to find nothing.
  return full;
}

}  // namespace webhookd
