// SQL for outside handler runs.
#include "storage/handler_runs.hpp"

#include <pqxx/pqxx>

#include "storage/lease_commit.hpp"
#include "storage/text_array.hpp"

namespace webhookd {

namespace {

void LockEvent(pqxx::transaction_base& tx, const std::string& event_id) {
  tx.exec_params("SELECT 1 FROM paypro_events WHERE event_id = $1 FOR UPDATE", event_id);
}

}  // namespace

void CreateRuns(pqxx::transaction_base& tx, const std::string& event_id, const std::vector<std::string>& handlers) {
  tx.exec_params0(
      "INSERT INTO paypro_handler_runs (event_id, handler) SELECT $1, unnest($2::text[])"
      " ON CONFLICT (event_id, handler) DO NOTHING",
      event_id, TextArrayLiteral(handlers));
  tx.exec_params0("UPDATE paypro_events SET db_done = true, updated_at = now() WHERE event_id = $1", event_id);
}

std::vector<ClaimedRun> ClaimRuns(pqxx::connection_base& connection, std::string_view owner, int limit,
                                  std::chrono::seconds lease, const std::vector<std::string>& handlers) {
  pqxx::work tx(connection);
  tx.exec0(kLeaseCommitSql);
  const pqxx::result rows = tx.exec_params(
      "WITH claimed AS ("
      "  UPDATE paypro_handler_runs r SET lease_owner = $1, lease_until = now() + make_interval(secs => $2),"
      "    updated_at = now()"
      "  WHERE (r.event_id, r.handler) IN (SELECT event_id, handler FROM paypro_handler_runs"
      "    WHERE state IN ('pending', 'failed') AND next_attempt_at <= now()"
      "      AND (lease_until IS NULL OR lease_until < now()) AND handler = ANY($4::text[])"
      "    ORDER BY next_attempt_at LIMIT $3 FOR UPDATE SKIP LOCKED)"
      "  RETURNING r.event_id, r.handler, r.attempts)"
      " SELECT c.event_id, c.handler, c.attempts, e.verified_body FROM claimed c"
      " JOIN paypro_events e USING (event_id)",
      std::string(owner), static_cast<double>(lease.count()), limit, TextArrayLiteral(handlers));
  tx.commit();
  std::vector<ClaimedRun> runs;
  runs.reserve(rows.size());
  for (const auto& row : rows) {
    runs.push_back({row[0].as<std::string>(), row[1].as<std::string>(), row[2].as<int>(), row[3].as<std::string>()});
  }
  return runs;
}

bool RecordRunSuccess(pqxx::connection_base& connection, std::string_view owner, const ClaimedRun& run) {
  pqxx::work tx(connection);
  // Two runs of one event finishing at once must not each see the other
  // still open and both leave the event unprocessed: the event row's lock
  // orders them, and the second one's check then sees the first's success.
  LockEvent(tx, run.event_id);
  const pqxx::result updated = tx.exec_params(
      "UPDATE paypro_handler_runs SET state = 'succeeded', last_error = NULL, lease_owner = NULL,"
      " lease_until = NULL, updated_at = now()"
      " WHERE event_id = $1 AND handler = $2 AND lease_owner = $3 RETURNING 1",
      run.event_id, run.handler, std::string(owner));
  if (updated.empty()) return false;  // the lease expired and another worker took over
  const pqxx::result finished = tx.exec_params(
      "UPDATE paypro_events SET state = 'processed', processed_at = now(), last_error = NULL, updated_at = now()"
      " WHERE event_id = $1 AND db_done AND state IN ('verified', 'failed')"
      "   AND NOT EXISTS (SELECT 1 FROM paypro_handler_runs WHERE event_id = $1 AND state <> 'succeeded')"
      " RETURNING 1",
      run.event_id);
  tx.commit();
  return !finished.empty();
}

void RecordRunFailure(pqxx::connection_base& connection, std::string_view owner, const ClaimedRun& run,
                      const std::string& error, std::chrono::milliseconds delay, bool dead) {
  pqxx::work tx(connection);
  LockEvent(tx, run.event_id);
  const pqxx::result updated = tx.exec_params(
      "UPDATE paypro_handler_runs SET state = CASE WHEN $5 THEN 'dead' ELSE 'failed' END,"
      " attempts = attempts + 1, last_error = $4, next_attempt_at = now() + make_interval(secs => $6),"
      " lease_owner = NULL, lease_until = NULL, updated_at = now()"
      " WHERE event_id = $1 AND handler = $2 AND lease_owner = $3 RETURNING 1",
      run.event_id, run.handler, std::string(owner), error, dead, static_cast<double>(delay.count()) / 1000.0);
  if (!updated.empty()) {
    tx.exec_params0(
        "UPDATE paypro_events SET state = CASE WHEN $3 THEN 'dead' ELSE 'failed' END,"
        " last_error = $2, updated_at = now() WHERE event_id = $1 AND state IN ('verified', 'failed')",
        run.event_id, "handler " + run.handler + ": " + error, dead);
  }
  tx.commit();
}

void RenewRuns(pqxx::connection_base& connection, const std::map<std::string, ClaimedRun>& runs_by_owner,
               std::chrono::seconds lease) {
  if (runs_by_owner.empty()) return;
  pqxx::work tx(connection);
  for (const auto& [owner, run] : runs_by_owner) {
    tx.exec_params0(
        "UPDATE paypro_handler_runs SET lease_until = now() + make_interval(secs => $4)"
        " WHERE event_id = $1 AND handler = $2 AND lease_owner = $3",
        run.event_id, run.handler, owner, static_cast<double>(lease.count()));
  }
  tx.commit();
}

void ReleaseRun(pqxx::connection_base& connection, std::string_view owner, const ClaimedRun& run) {
  pqxx::work tx(connection);
  tx.exec_params0(
      "UPDATE paypro_handler_runs SET lease_owner = NULL, lease_until = NULL, updated_at = now()"
      " WHERE event_id = $1 AND handler = $2 AND lease_owner = $3",
      run.event_id, run.handler, std::string(owner));
  tx.commit();
}

int AbandonRunsOfRemovedHandlers(pqxx::connection_base& connection, const std::vector<std::string>& configured) {
  pqxx::work tx(connection);
  const pqxx::result abandoned = tx.exec_params(
      "UPDATE paypro_handler_runs SET state = 'dead', lease_owner = NULL, lease_until = NULL, updated_at = now(),"
      " last_error = 'handler ' || handler || ' is no longer configured'"
      " WHERE state IN ('pending', 'failed') AND NOT (handler = ANY($1::text[])) RETURNING event_id, handler",
      TextArrayLiteral(configured));
  for (const auto& row : abandoned) {
    tx.exec_params0(
        "UPDATE paypro_events SET state = 'dead', last_error = $2, updated_at = now()"
        " WHERE event_id = $1 AND state IN ('verified', 'failed')",
        row[0].as<std::string>(), "handler " + row[1].as<std::string>() + " is no longer configured");
  }
  tx.commit();
  return static_cast<int>(abandoned.size());
}


}  // namespace webhookd
