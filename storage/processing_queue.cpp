// SQL for the processing stage.
#include "storage/processing_queue.hpp"

#include <pqxx/pqxx>
#include <unordered_map>

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

}  // namespace

std::vector<ProcessingClaim> ClaimForProcessing(pqxx::transaction_base& tx, int limit) {
  const pqxx::result rows = tx.exec_params(
      // Heads: due events with no earlier unfinished event of their resource
      // (not yet verified, pending, retrying, or with handler runs open).
      // Unverified rows carry the resource id and time from their signed
      // posted body until PayPro's copy replaces them.
      "WITH heads AS ("
      "  SELECT e.event_id, e.resource_id, e.next_attempt_at FROM paypro_events e"
      "   WHERE e.state IN ('verified', 'failed') AND NOT e.db_done AND e.next_attempt_at <= now()"
      "     AND NOT EXISTS (SELECT 1 FROM paypro_events p"
      "       WHERE p.resource_id = e.resource_id AND p.state IN ('received', 'verified', 'failed')"
      "         AND (p.paypro_created_at, p.seq) < (e.paypro_created_at, e.seq))"
      "   ORDER BY e.next_attempt_at LIMIT $1),"
      // Behind each head, its resource's unfinished events in order, as long
      // as they are due too: one claim takes a run of a resource's events
      // instead of one per round.
      " queues AS ("
      "  SELECT p.event_id,"
      "    row_number() OVER w AS position,"
      "    bool_and(p.state IN ('verified', 'failed') AND NOT p.db_done AND p.next_attempt_at <= now()) OVER w AS due"
      "  FROM paypro_events p"
      "  WHERE p.resource_id IN (SELECT resource_id FROM heads) AND p.state IN ('received', 'verified', 'failed')"
      "  WINDOW w AS (PARTITION BY p.resource_id ORDER BY p.paypro_created_at, p.seq))"
      "SELECT e.event_id, e.verified_body, e.attempts, coalesce(e.resource_id, ''), coalesce(q.position, 0)"
      " FROM paypro_events e LEFT JOIN queues q ON q.event_id = e.event_id"
      " JOIN heads h ON h.event_id = e.event_id OR (q.due AND q.position <= $1 AND h.resource_id = e.resource_id)"
      " WHERE e.state IN ('verified', 'failed') AND NOT e.db_done AND e.next_attempt_at <= now()"
      // Longest due first, each resource's run together and in its order.
      " ORDER BY h.next_attempt_at, h.event_id, e.paypro_created_at, e.seq LIMIT $1 FOR UPDATE OF e SKIP LOCKED",
      limit);
  std::vector<ProcessingClaim> claims;
  claims.reserve(rows.size());
  for (const auto& row : rows) {
    claims.push_back({row[0].as<std::string>(), row[1].as<std::string>(), row[2].as<int>(), row[3].as<std::string>(),
                      row[4].as<int>()});
  }
  return KeepQueuePrefixes(std::move(claims));
}

void MarkProcessed(pqxx::transaction_base& tx, const std::vector<std::string>& event_ids) {
  if (event_ids.empty()) return;
  std::string list;
  for (const std::string& id : event_ids) {
    if (!list.empty()) list += ',';
    list += tx.quote(id);
  }
  tx.exec0(
      "UPDATE paypro_events SET state = 'processed', processed_at = now(), last_error = NULL,"
      " updated_at = now() WHERE event_id IN (" + list + ")");
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
