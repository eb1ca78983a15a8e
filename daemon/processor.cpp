// Processing workers.
#include "daemon/processor.hpp"

#include <spdlog/spdlog.h>

#include <pqxx/pqxx>

#include "daemon/backoff.hpp"
#include "storage/database.hpp"
#include "storage/processing_queue.hpp"

namespace webhookd {

namespace {

constexpr auto kIdlePoll = std::chrono::milliseconds(250);
constexpr auto kReconnectPause = std::chrono::milliseconds(1000);
constexpr auto kFirstRetry = std::chrono::milliseconds(1000);

// An event whose attempt failed, and why.
struct Failure {
  std::string event_id;
  int attempts = 0;
  std::string error;
  bool permanent = false;  ///< retrying cannot help (PayPro's copy does not decode)
};

}  // namespace

Processor::Processor(const Config& config, std::shared_ptr<const DispatchTable> table, WorkSignal& verified,
                     PipelineStats& stats)
    : config_(config), table_(std::move(table)), verified_(verified), stats_(stats) {}

Processor::~Processor() { Stop(); }

void Processor::Start() {
  for (int i = 0; i < config_.processor.workers; ++i) workers_.emplace_back([this] { RunWorker(); });
}

void Processor::Stop() {
  stopping_ = true;
  verified_.Notify();
  for (std::thread& worker : workers_) worker.join();
  workers_.clear();
}

void Processor::SetDispatchTable(std::shared_ptr<const DispatchTable> table) {
  std::lock_guard lock(table_mutex_);
  table_ = std::move(table);
}

std::shared_ptr<const DispatchTable> Processor::table() const {
  std::lock_guard lock(table_mutex_);
  return table_;
}

void Processor::RunWorker() {
  std::unique_ptr<pqxx::connection> connection;
  while (!stopping_) {
    if (!connection) {
      auto connected = ConnectDatabase(config_.database.url);
      if (!connected) {
        spdlog::warn("processor: {}", connected.error().detail);
        verified_.WaitFor(kReconnectPause);
        continue;
      }
      connection = std::move(*connected);
    }
    try {
      if (!ProcessBatch(*connection)) verified_.WaitFor(kIdlePoll);
    } catch (const std::exception& e) {
      // The open transaction is rolled back: the batch is due again as it was.
      spdlog::warn("processor: database error, reconnecting: {}", RedactPassword(e.what(), config_.database.url));
      connection.reset();
    }
  }
}

bool Processor::ProcessBatch(pqxx::connection_base& connection) {
  const std::shared_ptr<const DispatchTable> dispatch = table();
  std::vector<Event> events;
  std::optional<Failure> failure;
  {
    pqxx::work tx(connection);
    std::vector<ProcessingClaim> claims = ClaimForProcessing(tx, config_.processor.batch_size);
    if (claims.empty()) return false;
    events.reserve(claims.size());
    for (ProcessingClaim& claim : claims) {
      auto event = DecodeEvent(claim.verified_body);
      if (!event) {
        failure = Failure{claim.event_id, claim.attempts, "PayPro's copy does not decode: " + event.error().detail, true};
        break;
      }
      for (Handler* handler : dispatch->Lookup(event->type, event->type_name)) {
        if (handler->phase() != HandlerPhase::kInTransaction) continue;
        if (Status status = handler->Handle(*event, &tx); !status) {
          failure = Failure{claim.event_id, claim.attempts, "handler " + handler->name() + ": " + status.error().detail};
          break;
        }
      }
      if (failure) break;
      events.push_back(std::move(*event));
    }
    if (!failure) {
      std::vector<std::string> ids;
      ids.reserve(events.size());
      for (const Event& event : events) ids.push_back(event.id);
      MarkProcessed(tx, ids);
      tx.commit();
    }
  }
  if (failure) {
    // The batch was rolled back; only the failing event waits, the others
    // are claimed again by the next round.
    const int failures = failure->attempts + 1;
    const bool dead = failure->permanent || failures >= config_.processor.max_attempts;
    const auto delay = RetryDelay(failures, kFirstRetry, config_.processor.max_backoff, JitterDraw());
    pqxx::work tx(connection);
    MarkFailed(tx, failure->event_id, failure->error, delay, dead);
    tx.commit();
    ++(dead ? stats_.dead : stats_.process_failures);
    spdlog::warn("event {} {}: {}", failure->event_id, dead ? "dead" : "failed, will retry", failure->error);
    return true;
  }
  for (const Event& event : events) {
    for (Handler* handler : dispatch->Lookup(event.type, event.type_name)) {
      if (handler->phase() != HandlerPhase::kAfterCommit) continue;
      if (Status status = handler->Handle(event, nullptr); !status) {
        spdlog::warn("event {}: handler {} failed after commit: {}", event.id, handler->name(), status.error().detail);
      }
    }
    spdlog::info("event {} processed", event.id);
  }
  stats_.processed += events.size();
  return true;
}

}  // namespace webhookd
