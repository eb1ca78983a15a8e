// SQL for operator retries.
#include "storage/event_retry.hpp"

#include <pqxx/pqxx>

namespace webhookd {

namespace {

// Both statements touch only failed or dead rows, so retrying an event that
// is on its way anyway changes nothing.
constexpr const char* kRetryRuns =
    "UPDATE paypro_handler_runs SET state = 'pending', attempts = 0, next_attempt_at = now(),"
    " lease_owner = NULL, lease_until = NULL, updated_at = now()"
    " WHERE state IN ('failed', 'dead') AND event_id IN ({})";
constexpr const char* kRetryEvents =
    "UPDATE paypro_events SET state = 'verified', attempts = 0, next_attempt_at = now(), updated_at = now()"
    " WHERE state IN ('failed', 'dead') AND event_id IN ({})";

std::string Statement(const char* form, const std::string& selection) {
  std::string sql(form);
  sql.replace(sql.find("{}"), 2, selection);
  return sql;
}

}  // namespace

std::optional<std::string> RetryEvent(pqxx::connection_base& connection, const std::string& event_id) {
  pqxx::work tx(connection);
  const pqxx::result found =
      tx.exec_params("SELECT state FROM paypro_events WHERE event_id = $1 FOR UPDATE", event_id);
  if (found.empty()) return std::nullopt;
  const std::string selection = tx.quote(event_id);
  tx.exec0(Statement(kRetryRuns, selection));
  tx.exec0(Statement(kRetryEvents, selection));
  tx.commit();
  return found[0][0].as<std::string>();
}

int RetryDeadEvents(pqxx::connection_base& connection) {
  pqxx::work tx(connection);
  const std::string selection = "SELECT event_id FROM paypro_events WHERE state = 'dead'";
  tx.exec0(Statement(kRetryRuns, selection));
  const pqxx::result events = tx.exec(Statement(kRetryEvents, selection));
  tx.commit();
  return static_cast<int>(events.affected_rows());
}

}  // namespace webhookd
