// SQL for the processing stage.
#include "storage/processing_queue.hpp"

#include <pqxx/pqxx>
#include <unordered_map>

#include "storage/index_order.hpp"
#include "storage/prepared_statement.hpp"
#include "storage/text_array.hpp"

namespace webhookd {

namespace {

// Each resource's claimed events must be the start of its queue: a row that
// another worker locked first (SKIP LOCKED) leaves a gap, and what follows a
// gap must wait for the next round.
std::vector<ProcessingClaim> KeepQueuePrefixes(std::vector<ProcessingClaim> claims) {
  std::unordered_map<std::string, int> next_position;
  std::vector<ProcessingClaim> kept;
  kept.reserve(claims.size());
  for (ProcessingClaim& claim : claims) {
    if (claim.queue_position == 0) {  // no resource: nothing to wait for
      kept.push_back(std::move(claim));
      continue;
    }
    int& expected = next_position.try_emplace(claim.resource_id, 1).first->second;
    if (claim.queue_position != expected) continue;
    ++expected;
    kept.push_back(std::move(claim));
  }
  return kept;
}

// Heads: due events with no earlier unfinished event of their resource (not
// yet verified, pending, retrying, or with handler runs open). Unverified
// rows carry the resource id and time from their signed posted body until
// PayPro's copy replaces them. Heads are locked as they are found, so that
// concurrent claims take different heads instead of all but one finding
// theirs taken (a head left out by the LIMIT below stays locked until the
// transaction ends, and waits for the next round). Behind each head come its resource's unfinished events in
// order, as long as they are due too: one claim takes a run of a resource's
// events instead of one per round. Longest due first, each resource's run
// together and in its order.
constexpr PreparedStatement kRuns{
    "processing_runs",
    "WITH heads AS ("
    "  SELECT e.event_id, e.resource_id, e.next_attempt_at FROM paypro_events e"
    "   WHERE e.state IN ('verified', 'failed') AND NOT e.db_done AND e.next_attempt_at <= now()"
    "     AND NOT EXISTS (SELECT 1 FROM paypro_events p"
    "       WHERE p.resource_id = e.resource_id AND p.state IN ('received', 'verified', 'failed')"
    "         AND (p.paypro_created_at, p.seq) < (e.paypro_created_at, e.seq))"
    "   ORDER BY e.next_attempt_at LIMIT $1 FOR UPDATE OF e SKIP LOCKED),"
    " runs AS ("
    "  SELECT h.next_attempt_at AS head_due, h.event_id AS head_id, q.event_id, q.resource_id, q.position"
    "  FROM heads h CROSS JOIN LATERAL ("
    "    SELECT p.event_id, p.resource_id, row_number() OVER w AS position,"
    "      bool_and(p.state IN ('verified', 'failed') AND NOT p.db_done AND p.next_attempt_at <= now()) OVER w AS due"
    "    FROM paypro_events p"
    "    WHERE p.resource_id = h.resource_id AND p.state IN ('received', 'verified', 'failed')"
    "    WINDOW w AS (ORDER BY p.paypro_created_at, p.seq)) q"
    "  WHERE q.due AND q.position <= $1"
    "  UNION ALL"
    "  SELECT next_attempt_at, event_id, event_id, '', 0 FROM heads WHERE resource_id IS NULL)"
    "SELECT event_id, resource_id, position FROM runs ORDER BY head_due, head_id, position LIMIT $1"};

// The runs' rows, locked by the claim (heads again, the rest for the first
// time) unless another worker has them, and checked again under the lock.
// By primary key, apart from the query above, so that no plan can start
// from every due event and look for its run.
constexpr PreparedStatement kLock{
    "processing_lock",
    "SELECT event_id, verified_body, attempts FROM paypro_events"
    " WHERE event_id = ANY ($1::text[])"
    "   AND state IN ('verified', 'failed') AND NOT db_done AND next_attempt_at <= now()"
    " FOR UPDATE SKIP LOCKED"};

constexpr PreparedStatement kMarkProcessed{
    "mark_processed",
    "UPDATE paypro_events SET state = 'processed', processed_at = now(), last_error = NULL, updated_at = now()"
    " WHERE event_id = ANY ($1::text[])"};

}  // namespace

std::vector<ProcessingClaim> ClaimForProcessing(pqxx::transaction_base& tx, int limit) {
  const pqxx::result runs = RunPreparedAfter(tx, kIndexOrderOnlySql, kRuns, limit);
  std::vector<ProcessingClaim> claims;
  std::vector<std::string> ids;
  claims.reserve(runs.size());
  ids.reserve(runs.size());
  for (const auto& row : runs) {
    claims.push_back({row[0].as<std::string>(), "", 0, row[1].as<std::string>(), row[2].as<int>()});
    ids.push_back(claims.back().event_id);
  }
  // Nothing claimed, no handler runs: the planner's settings matter no more.
  if (ids.empty()) return {};
  std::unordered_map<std::string, std::pair<std::string, int>> locked;
  for (const auto& row : RunPreparedAfter(tx, kPlannerDefaultsSql, kLock, TextArrayLiteral(ids))) {
    locked.emplace(row[0].as<std::string>(), std::pair{row[1].as<std::string>(), row[2].as<int>()});
  }
  std::vector<ProcessingClaim> taken;
  taken.reserve(locked.size());
  for (ProcessingClaim& claim : claims) {
    const auto found = locked.find(claim.event_id);
    if (found == locked.end()) continue;
    claim.verified_body = std::move(found->second.first);
    claim.attempts = found->second.second;
    taken.push_back(std::move(claim));
  }
  return KeepQueuePrefixes(std::move(taken));
}

void MarkProcessed(pqxx::transaction_base& tx, const std::vector<std::string>& event_ids) {
  if (event_ids.empty()) return;
  // An array, not a list of literals: one statement whatever the batch size.
  RunPrepared(tx, kMarkProcessed, TextArrayLiteral(event_ids));
}

void MarkFailed(pqxx::transaction_base& tx, const std::string& event_id, const std::string& error,
                std::chrono::milliseconds delay, bool dead) {
  tx.exec_params0(
      "UPDATE paypro_events SET state = CASE WHEN $4 THEN 'dead' ELSE 'failed' END,"
      " attempts = attempts + 1, last_error = $2, next_attempt_at = now() + make_interval(secs => $3),"
      " updated_at = now() WHERE event_id = $1",
      event_id, error, static_cast<double>(delay.count()) / 1000.0, dead);
}

}  // namespace webhookd
