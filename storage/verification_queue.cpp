// SQL for the verification stage.
#include "storage/verification_queue.hpp"

#include <pqxx/pqxx>

namespace webhookd {

std::vector<ClaimedEvent> ClaimForVerification(pqxx::connection_base& connection, std::string_view owner,
                                               int limit, std::chrono::seconds lease) {
  pqxx::work tx(connection);
  const pqxx::result rows = tx.exec_params(
      "UPDATE paypro_events e SET lease_owner = $1, lease_until = now() + make_interval(secs => $2),"
      " updated_at = now()"
      " WHERE e.event_id IN (SELECT event_id FROM paypro_events"
      "   WHERE state = 'received' AND next_attempt_at <= now()"
      "     AND (lease_until IS NULL OR lease_until < now())"
      "   ORDER BY next_attempt_at LIMIT $3 FOR UPDATE SKIP LOCKED)"
      " RETURNING e.event_id, e.event_type, e.attempts,"
      "   (extract(epoch FROM now() - e.received_at) * 1000)::bigint",
      std::string(owner), static_cast<double>(lease.count()), limit);
  tx.commit();
  std::vector<ClaimedEvent> claimed;
  claimed.reserve(rows.size());
  for (const auto& row : rows) {
    claimed.push_back({row[0].as<std::string>(), row[1].as<std::string>(), row[2].as<int>(),
                       std::chrono::milliseconds(row[3].as<int64_t>())});
  }
  return claimed;
}

void RecordVerification(pqxx::connection_base& connection, std::string_view owner,
                        const std::vector<VerificationResult>& results) {
  using Kind = VerificationResult::Kind;
  const std::string lease_owner(owner);
  pqxx::work tx(connection);
  for (const VerificationResult& result : results) {
    switch (result.kind) {
      case Kind::kVerified:
        tx.exec_params0(
            "UPDATE paypro_events SET state = 'verified', event_type = $2,"
            " resource_type = nullif($3, ''), resource_id = nullif($4, ''),"
            " paypro_created_at = $5::timestamptz, verified_body = $6, verified_at = now(),"
            " attempts = 0, next_attempt_at = now(), lease_owner = NULL, lease_until = NULL,"
            " last_error = NULL, updated_at = now()"
            " WHERE event_id = $1 AND state = 'received' AND lease_owner = $7",
            result.event_id, result.copy.event_type, result.copy.resource_type, result.copy.resource_id,
            result.copy.created_at, result.copy.body, lease_owner);
        break;
      case Kind::kRejected:
        tx.exec_params0(
            "UPDATE paypro_events SET state = 'rejected', last_error = $2, lease_owner = NULL,"
            " lease_until = NULL, updated_at = now()"
            " WHERE event_id = $1 AND state = 'received' AND lease_owner = $3",
            result.event_id, result.error, lease_owner);
        break;
      case Kind::kRetry:
        tx.exec_params0(
            "UPDATE paypro_events SET attempts = attempts + 1, last_error = $2,"
            " next_attempt_at = now() + make_interval(secs => $3), lease_owner = NULL,"
            " lease_until = NULL, updated_at = now()"
            " WHERE event_id = $1 AND state = 'received' AND lease_owner = $4",
            result.event_id, result.error, static_cast<double>(result.delay.count()) / 1000.0, lease_owner);
        break;
      case Kind::kRelease:
        tx.exec_params0(
            "UPDATE paypro_events SET lease_owner = NULL, lease_until = NULL, updated_at = now()"
            " WHERE event_id = $1 AND state = 'received' AND lease_owner = $2",
            result.event_id, lease_owner);
        break;
    }
  }
  tx.commit();
}

}  // namespace webhookd
