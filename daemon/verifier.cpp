// Verification workers.
#include "daemon/verifier.hpp"

#include <spdlog/spdlog.h>

#include <pqxx/pqxx>
#include <thread>
#include <unordered_map>

#include "daemon/backoff.hpp"
#include "daemon/database_worker.hpp"
#include "daemon/event_dispatch.hpp"
#include "daemon/processing_commit.hpp"
#include "daemon/round_limits.hpp"
#include "handlers/event.hpp"
#include "storage/transaction_outcome.hpp"

namespace webhookd {

namespace {

constexpr auto kFirstRetry = std::chrono::milliseconds(1000);

VerificationResult Retry(const ClaimedEvent& claimed, std::string error, const VerifierConfig& config,
                         double jitter, std::optional<std::chrono::seconds> retry_after) {
  VerificationResult result;
  result.event_id = claimed.event_id;
  result.kind = VerificationResult::Kind::kRetry;
  result.error = std::move(error);
  result.delay = RetryDelay(claimed.attempts + 1, kFirstRetry, config.max_backoff, jitter, retry_after);
  return result;
}

}  // namespace

VerificationResult JudgeFetch(const ClaimedEvent& claimed, EventFetch fetch, const VerifierConfig& config,
                              double jitter) {
  switch (fetch.verdict) {
    case FetchVerdict::kNotFound: {
      VerificationResult result;
      result.event_id = claimed.event_id;
      result.kind = VerificationResult::Kind::kRejected;
      result.error = std::move(fetch.detail);
      return result;
    }
    case FetchVerdict::kAuthFailed:
    case FetchVerdict::kRetry:
      return Retry(claimed, std::move(fetch.detail), config, jitter, fetch.retry_after);
    case FetchVerdict::kFound:
      break;
  }
  auto event = DecodeEvent(fetch.body);
  if (!event) {
    return Retry(claimed, "PayPro's copy is malformed: " + event.error().detail, config, jitter, std::nullopt);
  }
  if (event->id != claimed.event_id) {
    return Retry(claimed, "PayPro answered with another event id: " + event->id, config, jitter, std::nullopt);
  }
  VerificationResult result;
  result.event_id = claimed.event_id;
  result.kind = VerificationResult::Kind::kVerified;
  result.copy = {std::move(event->type_name), std::move(event->resource_type), std::move(event->resource_id),
                 std::move(event->created_at), std::move(fetch.body)};
  return result;
}

Verifier::Verifier(const Config& config, const CurrentTable& table, WorkSignal& received, WorkSignal& verified,
                   PipelineStats& stats)
    : config_(config),
      table_(table),
      received_(received),
      verified_(verified),
      stats_(stats),
      round_limit_(std::chrono::duration_cast<std::chrono::milliseconds>(RoundLimitsFor(config).at("verifier"))) {}

Verifier::~Verifier() { Stop(); }

void Verifier::Start() {
  for (int i = 0; i < config_.verifier.workers; ++i) workers_.emplace_back([this] { RunWorker(); });
}

void Verifier::Stop() {
  stopping_ = true;
  received_.NotifyAll();
  for (std::thread& worker : workers_) worker.join();
  workers_.clear();
}

struct Verifier::Worker {
  PayProApi api;
  ProcessingCommitter committer;
  ClaimFloor claim_floor;
  /// The end of the latest pause after which a round of this worker's got
  /// through; until one does, rounds go over one connection, so that an API
  /// still refusing gets one call from each worker, not one per connection.
  ApiPause::Clock::time_point through_pause_ending{};
  /// The last round took fewer events than a batch: the queue was drained.
  bool drained = true;
};

void Verifier::RunWorker() {
  // A failure ends the round's transaction, and its claims with it.
  Worker worker{PayProApi(config_.paypro, &stats_.api), ProcessingCommitter(stats_), ClaimFloor()};
  RunDatabaseWorker("verifier", config_.database.url, stopping_, received_,
                    [&](pqxx::connection_base& connection) { return VerifyBatch(connection, worker); });
}

std::vector<std::optional<EventFetch>> Verifier::FetchRound(Worker& worker, const std::vector<ClaimedEvent>& claimed) {
  // Stopping, or PayPro asked every caller to wait: the calls not yet made
  // are not made (nullopt), and their events go back with no attempt
  // counted, to be claimed after the pause.
  const auto may_call = [&] { return !stopping_ && api_pause_.Remaining().count() == 0; };
  if (!may_call()) return std::vector<std::optional<EventFetch>>(claimed.size());
  std::vector<std::string> ids;
  ids.reserve(claimed.size());
  for (const ClaimedEvent& event : claimed) ids.push_back(event.event_id);
  const bool after_pause = api_pause_.End() != worker.through_pause_ending;
  const int connections = after_pause ? 1 : config_.verifier.connections;
  std::vector<std::optional<EventFetch>> fetches =
      worker.api.FetchEvents(ids, static_cast<size_t>(connections),
                             [&](unsigned status, std::optional<std::chrono::seconds> retry_after) {
                               api_pause_.Observe(status, retry_after, config_.verifier.max_backoff);
                               return may_call();
                             });
  if (api_pause_.Remaining().count() == 0) worker.through_pause_ending = api_pause_.End();
  return fetches;
}

bool Verifier::VerifyBatch(pqxx::connection_base& connection, Worker& worker) {
  worker.committer.Settle(connection);
  if (api_pause_.Remaining().count() > 0) return false;
  // A round of a few events costs about what a full one does (its claim,
  // statements and commit's flush), and at a steady moderate rate
  // every arrival would start one. After a round that drained the queue, the
  // events arriving in the next moment are verified together; a full round
  // means a backlog, and the next claim follows at once.
  if (worker.drained && config_.verifier.linger.count() > 0) {
    std::this_thread::sleep_for(config_.verifier.linger);
    if (stopping_) return false;
  }
  // One transaction from the claim to the record: its row locks are the
  // claim, held while PayPro answers. A healthy round ends within its limit
  // (round_limits.hpp), so a claim idle for longer has lost its worker.
  pqxx::work tx(connection);
  const std::vector<ClaimedEvent> claimed =
      ClaimForVerification(tx, config_.verifier.batch_size, round_limit_, &worker.claim_floor);
  worker.drained = claimed.size() < static_cast<size_t>(config_.verifier.batch_size);
  if (claimed.empty()) return false;
  const auto claimed_at = std::chrono::steady_clock::now();
  std::vector<std::optional<EventFetch>> fetches = FetchRound(worker, claimed);
  std::vector<VerificationResult> results;
  results.reserve(claimed.size());
  size_t verified = 0;
  for (size_t i = 0; i < claimed.size(); ++i) {
    const ClaimedEvent& event = claimed[i];
    if (!fetches[i]) {
      results.push_back({event.event_id, VerificationResult::Kind::kRelease, {}, {}, {}});
      continue;
    }
    EventFetch& fetch = *fetches[i];
    ++stats_.api_calls;
    stats_.verification_call.Observe(fetch.took);
    if (fetch.verdict == FetchVerdict::kRetry || fetch.verdict == FetchVerdict::kAuthFailed) ++stats_.api_failures;
    if (fetch.verdict == FetchVerdict::kAuthFailed) spdlog::error("verifier: {}", fetch.detail);
    VerificationResult result = JudgeFetch(event, std::move(fetch), config_.verifier, JitterDraw());
    switch (result.kind) {
      case VerificationResult::Kind::kVerified:
        ++stats_.verified;
        stats_.verification_delay.Observe(event.age + (std::chrono::steady_clock::now() - claimed_at));
        ++verified;
        if (!event.posted_type.empty() && event.posted_type != result.copy.event_type) {
          spdlog::warn("event {}: posted as {} but PayPro says {}", event.event_id, event.posted_type,
                       result.copy.event_type);
        }
        spdlog::info("event {} verified ({})", event.event_id, result.copy.event_type);
        break;
      case VerificationResult::Kind::kRejected:
        ++stats_.rejected;
        spdlog::info("event {} rejected: {}", event.event_id, result.error);
        break;
      default:
        ++stats_.verify_retries;
        spdlog::info("event {} not verified yet, retry in {} ms: {}", event.event_id, result.delay.count(),
                     result.error);
    }
    results.push_back(std::move(result));
  }
  if (Record(connection, tx, worker, std::move(results)) < verified) verified_.Notify();
  return true;
}

size_t Verifier::Record(pqxx::connection_base& connection, pqxx::dbtransaction& tx, Worker& worker,
                        std::vector<VerificationResult> results, bool together) {
  // An event that is first of its resource and whose handlers all run in the
  // database is processed here, in the transaction that records it verified:
  // one row update instead of a verified update, a processing claim and a
  // processed update. Any other event is left verified for the processor,
  // and so is the whole round when a handler fails (the processor retries
  // the events one by one and counts the failure).
  const std::shared_ptr<const DispatchTable> table = table_.Get();
  std::unordered_map<std::string_view, const VerificationResult*> by_id;
  for (const VerificationResult& result : results) by_id.emplace(result.event_id, &result);
  AfterCommit after;
  for (std::string& id : ProcessableNow(tx, results)) {
    auto dispatch = DispatchEvent(*table, by_id.at(id)->copy.body);
    if (!dispatch || !dispatch->outside.empty()) continue;
    after.processed_ids.push_back(std::move(id));
    after.dispatched.push_back(std::move(*dispatch));
  }
  // The round's handler statements, its records and the transaction's id go
  // to PostgreSQL as one message: three round trips for the round's end
  // instead of nine. A failing statement ends the transaction, so then the
  // round goes again in a transaction of its own, one call at a time, which
  // names the failing call and lets its handler prepare a stale statement
  // anew.
  std::string transaction_id;
  std::optional<HandlerStatements> statements;
  try {
    if (together) statements = StatementsOf(after.dispatched, tx, stats_.handlers);
    if (!statements) {
      // One call at a time, behind a savepoint that a failing call is rolled back to.
      if (const auto failure = RunAllInTransaction(after.dispatched, tx, stats_.handlers, after.runs)) {
        spdlog::debug("verifier: {}; the round is left to the processor", *failure);
        after = AfterCommit{};
      }
    }
    const std::string message = (statements ? statements->sql : std::string()) +
                                RecordVerificationSql(tx, results, after.processed_ids) + TransactionIdSql(tx);
    const auto sent = std::chrono::steady_clock::now();
    transaction_id = tx.exec1(message)[0].as<std::string>();
    if (statements) statements->Credit(std::chrono::steady_clock::now() - sent, after.runs);
  } catch (const pqxx::sql_error& e) {
    // Once handlers are one call at a time, a failure is not theirs.
    if (!together || !HasInTransactionCalls(after.dispatched)) throw;
    spdlog::debug("verifier: the round's statements failed ({}); again one call at a time", e.sqlstate());
    tx.abort();  // already ended, unless it was a PREPARE that failed
    pqxx::work again(connection);
    return Record(connection, again, worker, Reclaim(again, std::move(results)), false);
  }
  const size_t processed = after.processed_ids.size();
  worker.committer.Commit(tx, std::move(after), std::move(transaction_id));
  return processed;
}

}  // namespace webhookd
