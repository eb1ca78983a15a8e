// Binding event fields to the operator's statement.
#include "handlers/sql_handler.hpp"

#include <fmt/format.h>

#include <pqxx/pqxx>

namespace webhookd {

Result<std::shared_ptr<SqlHandler>> SqlHandler::Create(HandlerSettings settings, const SqlHandlerSpec& spec) {
  auto sql = ExtractSqlPlaceholders(spec.statement);
  if (!sql) {
    Error error = sql.take_error();
    error.detail = fmt::format("handler {}: {}", settings.name, error.detail);
    return error;
  }
  return std::shared_ptr<SqlHandler>(new SqlHandler(std::move(settings), std::move(*sql)));
}

HandlerOutcome SqlHandler::Handle(const HandlerCall& call) {
  // Every parameter is sent as text (or NULL for a missing field) and typed
  // by PostgreSQL from where it stands in the statement.
  std::vector<std::optional<std::string>> values;
  values.reserve(sql_.paths.size());
  for (const std::string& path : sql_.paths) {
    const std::optional<FieldValue> value = call.fields.Get(path);
    values.push_back(value ? value->AsText() : std::nullopt);
  }
  try {
    call.tx->exec_params(sql_.statement, pqxx::prepare::make_dynamic_params(values));
    return HandlerOutcome::Done();
  } catch (const pqxx::sql_error& e) {
    return HandlerOutcome::Retry(fmt::format("statement failed ({}): {}", e.sqlstate(), e.what()));
  }
}

}  // namespace webhookd
