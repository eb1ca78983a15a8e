// Binding event fields to the operator's statement.
#include "handlers/sql_handler.hpp"

#include <fmt/format.h>

#include <pqxx/pqxx>

namespace webhookd {

namespace {

// feature_not_supported: "cached plan must not change result type".
constexpr std::string_view kCachedPlanChanged = "0A000";

}  // namespace

Result<std::shared_ptr<SqlHandler>> SqlHandler::Create(HandlerSettings settings, const SqlHandlerSpec& spec) {
  auto sql = ExtractSqlPlaceholders(spec.statement);
  if (!sql) {
    Error error = sql.take_error();
    error.detail = fmt::format("handler {}: {}", settings.name, error.detail);
    return error;
  }
  return std::shared_ptr<SqlHandler>(new SqlHandler(std::move(settings), std::move(*sql)));
}

std::vector<std::optional<std::string>> SqlHandler::ValuesFor(const EventFields& fields) const {
  // Every parameter is sent as text (or NULL for a missing field) and typed
  // by PostgreSQL from where it stands in the statement.
  std::vector<std::optional<std::string>> values;
  values.reserve(sql_.paths.size());
  for (const std::string& path : sql_.paths) {
    const std::optional<FieldValue> value = fields.Get(path);
    values.push_back(value ? value->AsText() : std::nullopt);
  }
  return values;
}

std::string SqlHandler::Register(pqxx::connection_base& connection) const {
  // Prepared once per connection (pqxx prepares on first use and ignores a
  // repeated prepare of the same definition): each event then costs
  // PostgreSQL a bind and an execution, not a parse and a plan.
  std::string name = StatementName();
  connection.prepare(name, sql_.statement);
  return name;
}

HandlerOutcome SqlHandler::Handle(const HandlerCall& call) {
  const std::vector<std::optional<std::string>> values = ValuesFor(call.fields);
  try {
    const std::string name = Register(call.tx->conn());
    call.tx->exec_prepared(name, pqxx::prepare::make_dynamic_params(values));
    return HandlerOutcome::Done();
  } catch (const pqxx::sql_error& e) {
    // A prepared statement whose result type changed under it (say, RETURNING *
    // after an ALTER TABLE) fails on every execution; the retry prepares anew.
    if (e.sqlstate() == kCachedPlanChanged) ++generation_;
    return HandlerOutcome::Retry(fmt::format("statement failed ({}): {}", e.sqlstate(), e.what()));
  }
}

std::optional<std::string> SqlHandler::StatementFor(const HandlerCall& call) {
  // The same prepared statement, run by SQL's EXECUTE: the operator's
  // statement keeps its $n parameters, and the values become EXECUTE's
  // arguments as literals quoted by libpq for this connection's encoding
  // and settings. Preparing now makes the statement exist on the server
  // before a batch names it.
  const std::string name = Register(call.tx->conn());
  call.tx->conn().prepare_now(name);
  std::string statement = "EXECUTE " + name;
  const std::vector<std::optional<std::string>> values = ValuesFor(call.fields);
  for (size_t i = 0; i < values.size(); ++i) {
    statement += i == 0 ? "(" : ", ";
    statement += values[i] ? call.tx->quote(*values[i]) : "NULL";
  }
  if (!values.empty()) statement += ")";
  return statement;
}

SqlHandler::SqlHandler(HandlerSettings settings, SqlPlaceholders sql)
    : Handler(std::move(settings)),
      sql_(std::move(sql)),
      statement_hash_(std::hash<std::string>{}(sql_.statement)) {}

std::string SqlHandler::StatementName() const {
  return fmt::format("sql_handler_{:x}_{}", statement_hash_, generation_.load());
}

}  // namespace webhookd
