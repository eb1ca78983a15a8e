// Outside handler workers.
#include "daemon/handler_runner.hpp"

#include <spdlog/spdlog.h>

#include <pqxx/pqxx>

#include "daemon/backoff.hpp"
#include "daemon/child_processes.hpp"
#include "daemon/database_worker.hpp"
#include "daemon/worker_identity.hpp"
#include "storage/database.hpp"
#include "storage/handler_runs.hpp"

namespace webhookd {

namespace {

// A claim lasts kLease and the lease keeper renews it every kRenewEvery
// while the handler runs, however long that takes: a live worker keeps its
// claim, and a killed daemon's claims are free again within kLease of the
// kill, instead of waiting out the longest handler timeout (up to a day).
constexpr auto kLease = std::chrono::seconds(30);
constexpr auto kRenewEvery = std::chrono::seconds(10);

// Calls `done` when the scope ends, however it ends.
template <typename Done>
class AtScopeExit {
 public:
  explicit AtScopeExit(Done done) : done_(std::move(done)) {}
  ~AtScopeExit() { done_(); }
  AtScopeExit(const AtScopeExit&) = delete;
  AtScopeExit& operator=(const AtScopeExit&) = delete;

 private:
  Done done_;
};

}  // namespace

HandlerRunner::HandlerRunner(const Config& config, const CurrentTable& table, WorkSignal& runs_created,
                             PipelineStats& stats)
    : config_(config), table_(table), runs_created_(runs_created), stats_(stats) {}

HandlerRunner::~HandlerRunner() { Stop(); }

void HandlerRunner::Start() {
  for (int i = 0; i < kWorkers; ++i) workers_.emplace_back([this, i] { RunWorker(i); });
  lease_keeper_ = std::thread([this] { KeepLeases(); });
}

void HandlerRunner::RequestStop() {
  stopping_ = true;
  runs_created_.NotifyAll();
}

void HandlerRunner::Stop() {
  RequestStop();
  for (std::thread& worker : workers_) worker.join();
  workers_.clear();
  // Only now: the workers' last runs needed their leases until they ended.
  keeper_stopping_ = true;
  keeper_wake_.NotifyAll();
  if (lease_keeper_.joinable()) lease_keeper_.join();
}

void HandlerRunner::Abandon() {
  const bool first = !abandoning_.exchange(true);
  // Exec handlers' programs are this process's only children, each leading
  // its own process group (RunSubprocess): killing the groups ends them and
  // what they started, and the workers come back from Handle at once.
  const int killed = KillChildProcessGroups();
  if (first || killed > 0) {
    spdlog::warn("shutdown deadline: abandoning {} handler runs ({} programs killed); they run again at the next start",
                 running(), killed);
  }
}

void HandlerRunner::ReleaseHeldRuns() {
  std::map<std::string, ClaimedRun> held;
  {
    std::lock_guard lock(held_mutex_);
    held = held_;
  }
  if (held.empty()) return;
  auto connection = ConnectDatabase(config_.database.url, "handler runner");
  if (!connection) {
    return spdlog::error("{} handler runs stay leased until their lease ends: {}", held.size(),
                         connection.error().detail);
  }
  for (const auto& [owner, run] : held) {
    try {
      ReleaseRun(**connection, owner, run);
      spdlog::warn("event {}: handler {} given back unfinished", run.event_id, run.handler);
    } catch (const std::exception& e) {
      spdlog::error("event {}: handler {} stays leased: {}", run.event_id, run.handler,
                    RedactPassword(e.what(), config_.database.url));
    }
  }
}

int HandlerRunner::running() const {
  std::lock_guard lock(held_mutex_);
  return static_cast<int>(held_.size());
}

void HandlerRunner::Hold(const std::string& owner, const ClaimedRun& run) {
  std::lock_guard lock(held_mutex_);
  held_[owner] = run;
}

void HandlerRunner::Unhold(const std::string& owner) {
  std::lock_guard lock(held_mutex_);
  held_.erase(owner);
}

std::vector<std::string> HandlerRunner::EnabledHandlers(const std::shared_ptr<const DispatchTable>& table) {
  std::lock_guard lock(disabled_mutex_);
  if (disabled_for_ != table.get()) {  // a reload re-enables every handler
    disabled_.clear();
    disabled_for_ = table.get();
  }
  std::vector<std::string> names;
  for (const auto& handler : table->handlers()) {
    // A saturated handler's runs wait in the table, not in a worker: a
    // worker waiting for its slot would be lost to every other handler.
    // Two workers may both see its last slot free and the later one waits,
    // but waiters never pile up: a handler with waiters stays saturated.
    if (handler->phase() == HandlerPhase::kOutside && !disabled_.contains(handler->name()) &&
        !handler->Saturated()) {
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

void HandlerRunner::KeepLeases() {
  auto renewed = std::chrono::steady_clock::now();
  RunDatabaseWorker("lease keeper", config_.database.url, keeper_stopping_, keeper_wake_,
                    [&](pqxx::connection_base& connection) {
                      if (std::chrono::steady_clock::now() - renewed < kRenewEvery) return false;
                      std::map<std::string, ClaimedRun> held;
                      {
                        std::lock_guard lock(held_mutex_);
                        held = held_;
                      }
                      RenewRuns(connection, held, kLease);
                      renewed = std::chrono::steady_clock::now();
                      return false;
                    });
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
    stats_.handlers.For(run.handler).Count(RunResult::kDead);
    return true;
  }
  HandlerSeries& series = stats_.handlers.For(run.handler);
  Hold(owner, run);
  const AtScopeExit unhold([&] { Unhold(owner); });
  const auto started = std::chrono::steady_clock::now();
  const HandlerOutcome outcome = handler->Handle({*event, *fields, nullptr});
  const auto elapsed = std::chrono::steady_clock::now() - started;
  const auto took = std::chrono::duration_cast<std::chrono::milliseconds>(elapsed);
  if (abandoning_ && outcome.kind != HandlerOutcome::Kind::kDone) {
    // Killed at the shutdown deadline (or failed just then): no attempt of its own.
    ReleaseRun(connection, owner, run);
    spdlog::warn("event {}: handler {} abandoned at shutdown; it runs again at the next start", run.event_id,
                 run.handler);
    return true;
  }
  switch (outcome.kind) {
    case HandlerOutcome::Kind::kDone:
      series.Record(RunResult::kDone, elapsed);
      spdlog::info("event {}: handler {} succeeded in {} ms", run.event_id, run.handler, took.count());
      if (RecordRunSuccess(connection, owner, run)) {
        ++stats_.processed;
        spdlog::info("event {} processed", run.event_id);
      }
      break;
    case HandlerOutcome::Kind::kDisable:
      spdlog::error("handler {} disabled until reload: {}", run.handler, outcome.error);
      series.Record(RunResult::kDisabled, elapsed);
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
      series.Record(dead ? RunResult::kDead : RunResult::kRetry, elapsed);
      spdlog::warn("event {}: handler {} failed (attempt {} of {}){}: {}", run.event_id, run.handler, failures,
                   retry.max_attempts, dead ? ", dead" : fmt::format(", retry in {} ms", delay.count()), outcome.error);
      break;
    }
  }
  return true;
}

}  // namespace webhookd
