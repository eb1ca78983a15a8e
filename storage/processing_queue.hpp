// Verified events waiting for their handlers: claims and outcomes, all
// inside the caller's transaction so handler effects commit with them.
#pragma once

#include <chrono>
#include <string>
#include <vector>

namespace pqxx {
class transaction_base;
}

namespace webhookd {

struct ProcessingClaim {
  std::string event_id;
  std::string verified_body;
  int attempts = 0;  ///< failed processing attempts so far
  std::string resource_id;  ///< "" when the event names no resource
  int queue_position = 0;   ///< 1 for the first unfinished event of its resource; 0 without resource
};

/// Locks up to `limit` due events (verified, or failed and due again) whose
/// in-database handlers have not run, for the rest of `tx`. An event waits
/// while an earlier event (by PayPro's created_at) about the same resource is
/// unfinished, so each resource's events are handled in order; several
/// events of one resource come in one claim, in order, when all are due (the
/// caller handles them in the order given). The row locks are the
/// claim: if the daemon dies, PostgreSQL rolls the transaction back and the
/// events are due again at once, with no lease to wait for.
std::vector<ProcessingClaim> ClaimForProcessing(pqxx::transaction_base& tx, int limit);

/// Marks events processed.
void MarkProcessed(pqxx::transaction_base& tx, const std::vector<std::string>& event_ids);

/// Records a failed attempt: `failed` and due again after `delay`, or `dead`
/// when `dead` is set.
void MarkFailed(pqxx::transaction_base& tx, const std::string& event_id, const std::string& error,
                std::chrono::milliseconds delay, bool dead);

}  // namespace webhookd
