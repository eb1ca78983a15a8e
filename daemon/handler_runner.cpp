// Outside handler workers.
#include "daemon/handler_runner.hpp"

#include <spdlog/spdlog.h>

#include <pqxx/pqxx>

#include "daemon/backoff.hpp"
#include "daemon/database_worker.hpp"
#include "daemon/worker_identity.hpp"
#include "storage/handler_runs.hpp"

namespace webhookd {

namespace {

// Longer than any handler's own timeout, so a live worker never loses its claim.
constexpr auto kLease = std::chrono::seconds(24 * 3600 + 600);

}  // namespace

HandlerRunner::HandlerRunner(const Config& config, const CurrentTable& table, WorkSignal& runs_created,
                             PipelineStats& stats)
    : config_(config), table_(table), runs_created_(runs_created), stats_(stats) {}

HandlerRunner::~HandlerRunner() { Stop(); }

void HandlerRunner::Start() {
  for (int i = 0; i < kWorkers; ++i) workers_.emplace_back([this, i] { RunWorker(i); });
}

void HandlerRunner::Stop() {
  stopping_ = true;
  runs_created_.Notify();
  for (std::thread& worker : workers_) worker.join();
  workers_.clear();
}

std::vector<std::string> HandlerRunner::EnabledHandlers(const std::shared_ptr<const DispatchTable>& table) {
  std::lock_guard lock(disabled_mutex_);
  if (disabled_for_ != table.get()) {  // a reload re-enables every handler
    disabled_.clear();
    disabled_for_ = table.get();
  }
  std::vector<std::string> names;
  for (const auto& handler : table->handlers()) {
    if (handler->phase() == HandlerPhase::kOutside && !disabled_.contains(handler->name())) {
      names.push_back(handler->name());
    }
  }
  return names;
}

void HandlerRunner::Disable(const std::string& name) {
  std::lock_guard lock(disabled_mutex_);
  disabled_.insert(name);
}

void HandlerRunner::RunWorker(int index) {
  // A run claimed before a failure stays leased until its lease expires, and
  // is run again then (at least once is what outside handlers promise).
  const std::string owner = WorkerIdentity("runner", index);
  RunDatabaseWorker("handler runner", config_.database.url, stopping_, runs_created_,
                    [&](pqxx::connection_base& connection) { return RunOne(connection, owner); });
}

bool HandlerRunner::RunOne(pqxx::connection_base& connection, const std::string& owner) {
  const std::shared_ptr<const DispatchTable> table = table_.Get();
  const std::vector<std::string> enabled = EnabledHandlers(table);
  if (enabled.empty()) return false;
  const std::vector<ClaimedRun> runs = ClaimRuns(connection, owner, 1, kLease, enabled);
  if (runs.empty()) return false;
  const ClaimedRun& run = runs.front();
  Handler* handler = table->Find(run.handler);
  auto event = DecodeEvent(run.verified_body);
  auto fields = EventFields::Parse(run.verified_body);
  if (handler == nullptr || !event || !fields) {
    // Cannot happen for a verified event and a claimed name; retrying cannot help.
    RecordRunFailure(connection, owner, run, "cannot run: handler or event unusable", std::chrono::milliseconds(0), true);
    return true;
  }
  const auto started = std::chrono::steady_clock::now();
  const HandlerOutcome outcome = handler->Handle({*event, *fields, nullptr});
  const auto took = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started);
  switch (outcome.kind) {
    case HandlerOutcome::Kind::kDone:
      spdlog::info("event {}: handler {} succeeded in {} ms", run.event_id, run.handler, took.count());
      if (RecordRunSuccess(connection, owner, run)) {
        ++stats_.processed;
        spdlog::info("event {} processed", run.event_id);
      }
      break;
    case HandlerOutcome::Kind::kDisable:
      spdlog::error("handler {} disabled until reload: {}", run.handler, outcome.error);
      Disable(run.handler);
      ReleaseRun(connection, owner, run);
      break;
    case HandlerOutcome::Kind::kRetry: {
      const RetryPolicy& retry = handler->retry();
      const int failures = run.attempts + 1;
      const bool dead = failures >= retry.max_attempts;
      const auto delay =
          RetryDelay(failures, retry.initial_backoff, retry.max_backoff, JitterDraw(), outcome.retry_after);
      RecordRunFailure(connection, owner, run, outcome.error, delay, dead);
      ++(dead ? stats_.dead : stats_.process_failures);
      spdlog::warn("event {}: handler {} failed (attempt {} of {}){}: {}", run.event_id, run.handler, failures,
                   retry.max_attempts, dead ? ", dead" : fmt::format(", retry in {} ms", delay.count()), outcome.error);
      break;
    }
  }
  return true;
}

}  // namespace webhookd
