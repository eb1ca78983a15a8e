// Whether a transaction committed, asked after the connection that ran it was
// lost during COMMIT (pqxx::in_doubt_error): PostgreSQL remembers each
// transaction's outcome by its id.
#pragma once

#include <string>

namespace pqxx {
class connection_base;
class transaction_base;
}  // namespace pqxx

namespace webhookd {

/// `tx`'s transaction id (assigned now if the transaction wrote nothing yet),
/// read before COMMIT so the outcome can be asked for later.
std::string TransactionId(pqxx::transaction_base& tx);

/// TransactionId's query as SQL text, for the end of a message of several
/// statements: its one row and column are the id.
std::string TransactionIdSql(pqxx::transaction_base& tx);

enum class TransactionOutcome {
  kCommitted,
  kAborted,
  kInProgress,  ///< its backend has not finished rolling back yet
  kForgotten,   ///< older than PostgreSQL keeps outcomes for
};

/// What became of transaction `id`, asked on `connection` (outside any transaction).
TransactionOutcome OutcomeOf(pqxx::connection_base& connection, const std::string& id);

}  // namespace webhookd
