// Received events waiting to be re-fetched from PayPro: leased claims, results.
#pragma once

#include <chrono>
#include <string>
#include <string_view>
#include <vector>

namespace pqxx {
class connection_base;
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

/// Claims up to `limit` received events that are due and not leased by a
/// live worker (FOR UPDATE SKIP LOCKED, so workers and daemons never wait for
/// each other), oldest due first from `floor` (from the front without one).
/// The lease lets another worker take over if `owner` dies.
std::vector<ClaimedEvent> ClaimForVerification(pqxx::connection_base& connection, std::string_view owner,
                                               int limit, std::chrono::seconds lease, ClaimFloor* floor = nullptr);

/// Of the verified `results`, the events that can be processed in `tx`, the
/// transaction that will record them: `owner` still leases them and no
/// earlier event of their resource (by PayPro's created_at) is unfinished,
/// this batch's own included. Locks them until `tx` ends, so that nobody
/// takes the lease over meanwhile. Ids in the order of `results`.
std::vector<std::string> LockProcessableNow(pqxx::transaction_base& tx, std::string_view owner,
                                            const std::vector<VerificationResult>& results);

/// Stores the results in `tx`; verified events in `processed` (their handlers
/// ran in `tx`) are recorded processed at once. A row whose lease `owner`
/// lost (expired and taken over) is left alone.
void RecordVerification(pqxx::transaction_base& tx, std::string_view owner,
                        const std::vector<VerificationResult>& results, const std::vector<std::string>& processed = {});

}  // namespace webhookd
