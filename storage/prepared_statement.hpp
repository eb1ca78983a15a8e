// Statements PostgreSQL plans once per connection instead of at every call.
#pragma once

#include <pqxx/pqxx>
#include <utility>

namespace webhookd {

/// A statement run by name, prepared on each connection that runs it.
struct PreparedStatement {
  const char* name;
  const char* sql;
};

/// Runs `statement` in `tx` with `args`. Registering it again is a no-op once
/// the connection has it (libpqxx compares the definition), and the server
/// prepares it on its first use: a statement run at every round is planned
/// once, where planning it afresh cost more than running it.
template <typename... Args>
pqxx::result RunPrepared(pqxx::transaction_base& tx, const PreparedStatement& statement, Args&&... args) {
  tx.conn().prepare(statement.name, statement.sql);
  return tx.exec_prepared(statement.name, std::forward<Args>(args)...);
}

}  // namespace webhookd
