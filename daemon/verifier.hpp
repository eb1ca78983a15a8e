// Workers that re-fetch received events from PayPro and store PayPro's copy.
#pragma once

#include <atomic>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "config/config.hpp"
#include "core/work_signal.hpp"
#include "daemon/api_pause.hpp"
#include "daemon/pipeline_stats.hpp"
#include "handlers/current_table.hpp"
#include "paypro/api_client.hpp"
#include "storage/verification_queue.hpp"

namespace pqxx {
class connection_base;
class dbtransaction;
}

namespace webhookd {

/// Decides what one fetch means for the stored event (pure): PayPro's copy
/// becomes the truth, a 404 rejects, everything else is tried again later.
VerificationResult JudgeFetch(const ClaimedEvent& claimed, EventFetch fetch, const VerifierConfig& config,
                              double jitter);

/// Each worker owns a database connection and a keep-alive API connection,
/// locks a batch of due events, fetches each one, and records the outcomes
/// in the transaction that locked them. No API call ever happens on the request
/// path: intake only stores. A 429 or 503 with Retry-After pauses every
/// worker's calls for that long (ApiPause), not only the event's next try.
/// An event first of its resource whose handlers all run in the database is
/// processed in the transaction that records it verified (see Record); the
/// processors take every other verified event.
class Verifier {
 public:
  Verifier(const Config& config, const CurrentTable& table, WorkSignal& received, WorkSignal& verified,
           PipelineStats& stats);
  ~Verifier();

  void Start();
  /// Finishes the fetch in progress, releases unfetched claims, joins.
  void Stop();

 private:
  struct Worker;  ///< what one worker thread keeps between rounds
  void RunWorker();
  /// One claim-fetch-record round; false when there was nothing to do.
  bool VerifyBatch(pqxx::connection_base& connection, Worker& worker);
  /// PayPro's copies of a round's events, fetched over the worker's
  /// connections at once; nullopt for the calls a pause or a stop held back.
  std::vector<std::optional<EventFetch>> FetchRound(Worker& worker, const std::vector<ClaimedEvent>& claimed);
  /// Records a round's results in the round's `tx` and processes what can be
  /// processed there; commits `tx` and returns how many events it processed.
  /// With `together`, the handlers' statements go in one message; when it
  /// fails, the round goes again in a new transaction on `connection`.
  size_t Record(pqxx::connection_base& connection, pqxx::dbtransaction& tx, Worker& worker,
                std::vector<VerificationResult> results, bool together = true);

  const Config config_;
  const CurrentTable& table_;
  WorkSignal& received_;
  WorkSignal& verified_;
  PipelineStats& stats_;
  const std::chrono::milliseconds round_limit_;  ///< the longest a healthy round takes
  std::atomic<bool> stopping_{false};
  ApiPause api_pause_;  ///< shared by the workers: PayPro's Retry-After is per account
  std::vector<std::thread> workers_;
};

}  // namespace webhookd
