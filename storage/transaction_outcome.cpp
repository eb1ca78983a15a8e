// pg_current_xact_id and pg_xact_status (PostgreSQL 13 and later).
#include "storage/transaction_outcome.hpp"

#include <pqxx/pqxx>

namespace webhookd {

std::string TransactionId(pqxx::transaction_base& tx) {
  // Asked before every processing commit: prepared once per connection, it is
  // not planned again each time (at 2,000 webhooks/s its planning cost
  // PostgreSQL more than running it).
  tx.conn().prepare("current_xact_id", "SELECT pg_current_xact_id()::text");
  return tx.exec_prepared1("current_xact_id")[0].as<std::string>();
}

TransactionOutcome OutcomeOf(pqxx::connection_base& connection, const std::string& id) {
  pqxx::nontransaction query(connection);
  const pqxx::row row = query.exec_params1("SELECT pg_xact_status($1::xid8)", id);
  if (row[0].is_null()) return TransactionOutcome::kForgotten;
  const std::string status = row[0].as<std::string>();
  if (status == "committed") return TransactionOutcome::kCommitted;
  if (status == "aborted") return TransactionOutcome::kAborted;
  return TransactionOutcome::kInProgress;
}

}  // namespace webhookd
