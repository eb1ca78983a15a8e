// Received events waiting to be re-fetched from PayPro: claims, results.
#pragma once

#include <chrono>
#include <string>
#include <vector>

namespace pqxx {
class transaction_base;
}

#include "storage/claim_floor.hpp"

namespace webhookd {

struct ClaimedEvent {
  std::string event_id;
  std::string posted_type;  ///< event_type as posted in the webhook
  int attempts = 0;         ///< failed verification attempts so far
  std::chrono::milliseconds age{0};  ///< time since it was received, at the claim
};

/// PayPro's copy of an event, reduced to the columns we index.
struct VerifiedCopy {
  std::string event_type;
  std::string resource_type;
  std::string resource_id;
  std::string created_at;  ///< RFC 3339
  std::string body;
};

/// The outcome of one verification attempt.
struct VerificationResult {
  enum class Kind { kVerified, kRejected, kRetry, kRelease };
  std::string event_id;
  Kind kind = Kind::kRetry;
  VerifiedCopy copy;                   ///< for kVerified
  std::string error;                   ///< for kRejected and kRetry
  std::chrono::milliseconds delay{0};  ///< for kRetry
};

/// Locks up to `limit` received events that are due, for the rest of `tx`,
/// oldest due first from `floor` (from the front without one). SKIP LOCKED:
/// workers and daemons never wait for each other, and take different events.
/// The row locks are the claim: if the worker or its daemon dies, PostgreSQL
/// ends the transaction and the events can be claimed again at once. A
/// client that vanishes without closing its connection (a frozen host, a
/// network gone) holds them at most `idle_limit`: PostgreSQL ends a
/// transaction left idle that long. The planner is left to walk indexes
/// (index_order.hpp) until ProcessableNow, which must come before any
/// handler's statement in `tx`.
std::vector<ClaimedEvent> ClaimForVerification(pqxx::transaction_base& tx, int limit,
                                               std::chrono::milliseconds idle_limit, ClaimFloor* floor = nullptr);

/// Of the verified `results`, claimed in `tx`, the events that can be
/// processed in `tx`: no earlier event of their resource (by PayPro's
/// created_at) is unfinished, this batch's own included. Ids in the order of
/// `results`. Gives the planner its settings back first.
std::vector<std::string> ProcessableNow(pqxx::transaction_base& tx, const std::vector<VerificationResult>& results);

/// The statements that store the results of events claimed in `tx`, as SQL
/// text each ending with `;`, to be sent with others in one message; empty
/// when there is nothing to store. Verified events in `processed` (their
/// handlers ran in `tx`) are recorded processed at once. Only rows still
/// received change: the claim's locks keep them so, and the condition guards
/// a caller that records without a claim.
std::string RecordVerificationSql(pqxx::transaction_base& tx, const std::vector<VerificationResult>& results,
                                  const std::vector<std::string>& processed = {});

/// Of `results` whose round's transaction failed, those whose events `tx`
/// could claim again: still received and not claimed by another worker.
std::vector<VerificationResult> Reclaim(pqxx::transaction_base& tx, std::vector<VerificationResult> results);

}  // namespace webhookd
