// SQL for the processing stage.
#include "storage/processing_queue.hpp"

#include <pqxx/pqxx>

namespace webhookd {

std::vector<ProcessingClaim> ClaimForProcessing(pqxx::transaction_base& tx, int limit) {
  const pqxx::result rows = tx.exec_params(
      "SELECT e.event_id, e.verified_body, e.attempts FROM paypro_events e"
      " WHERE e.state IN ('verified', 'failed') AND NOT e.db_done AND e.next_attempt_at <= now()"
      // Events about one resource go in PayPro's order: none while an
      // earlier one is unfinished (not yet verified, pending, retrying, or
      // with handler runs open). Unverified rows carry the resource id and
      // time from their signed posted body until PayPro's copy replaces them.
      "   AND NOT EXISTS (SELECT 1 FROM paypro_events p"
      "     WHERE p.resource_id = e.resource_id AND p.state IN ('received', 'verified', 'failed')"
      "       AND (p.paypro_created_at, p.seq) < (e.paypro_created_at, e.seq))"
      " ORDER BY e.next_attempt_at LIMIT $1 FOR UPDATE OF e SKIP LOCKED",
      limit);
  std::vector<ProcessingClaim> claims;
  claims.reserve(rows.size());
  for (const auto& row : rows) {
    claims.push_back({row[0].as<std::string>(), row[1].as<std::string>(), row[2].as<int>()});
  }
  return claims;
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
