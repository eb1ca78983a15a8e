// pg_current_xact_id and pg_xact_status (PostgreSQL 13 and later).
#include "storage/transaction_outcome.hpp"

#include <pqxx/pqxx>

#include "storage/prepared_statement.hpp"

namespace webhookd {

namespace {

// Asked before every processing commit: at 2,000 webhooks/s, planning it
// each time cost PostgreSQL more than running it.
constexpr PreparedStatement kCurrentTransactionId{"current_xact_id", "SELECT pg_current_xact_id()::text"};

}  // namespace

std::string TransactionId(pqxx::transaction_base& tx) {
  return RunPrepared(tx, kCurrentTransactionId).at(0)[0].as<std::string>();
}

std::string TransactionIdSql(pqxx::transaction_base& tx) { return ExecuteSql(tx, kCurrentTransactionId); }

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
