// Statements PostgreSQL plans once per connection instead of at every call.
#pragma once

#include <pqxx/pqxx>
#include <string>
#include <string_view>
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

/// SQL's EXECUTE of `statement` with `args` as literals quoted by libpq for
/// this connection, to send with other statements in one message: on this
/// machine a round trip to PostgreSQL costs more in the two processes'
/// wake-ups than a small statement does. Prepares it on the server first
/// (once per connection), inside `tx`.
template <typename... Args>
std::string ExecuteSql(pqxx::transaction_base& tx, const PreparedStatement& statement, const Args&... args) {
  tx.conn().prepare(statement.name, statement.sql);
  tx.conn().prepare_now(statement.name);
  std::string sql = "EXECUTE ";
  sql += statement.name;
  if constexpr (sizeof...(args) > 0) {
    const char* separator = "(";
    ((sql += separator, sql += tx.quote(args), separator = ", "), ...);
    sql += ")";
  }
  return sql;
}

/// Runs `statement` after `settings` (SET LOCAL statements) in one round trip
/// instead of two, and returns its rows. Unlike RunPrepared, a failure ends
/// `tx` (libpqxx closes a transaction whose exec() failed).
template <typename... Args>
pqxx::result RunPreparedAfter(pqxx::transaction_base& tx, std::string_view settings,
                              const PreparedStatement& statement, const Args&... args) {
  return tx.exec(std::string(settings) + "; " + ExecuteSql(tx, statement, args...));
}

}  // namespace webhookd
