// PREPARE without executing.
#include "daemon/sql_check.hpp"

#include <fmt/format.h>

#include <pqxx/pqxx>

#include "handlers/sql_handler.hpp"
#include "storage/database.hpp"

namespace webhookd {

Status CheckSqlStatements(const Config& config, const DispatchTable& table) {
  std::vector<const SqlHandler*> statements;
  for (const auto& handler : table.handlers()) {
    if (const auto* sql = dynamic_cast<const SqlHandler*>(handler.get())) statements.push_back(sql);
  }
  if (statements.empty()) return Ok{};
  auto connection = ConnectDatabase(config.database.url, "sql check");
  if (!connection) {
    return MakeError(ErrorCode::kUnavailable, "database unavailable",
                     "cannot check the sql handlers: " + connection.error().detail);
  }
  for (const SqlHandler* handler : statements) {
    try {
      pqxx::work tx(**connection);
      tx.exec0("PREPARE paypro_webhookd_check AS " + handler->statement());
      tx.abort();
    } catch (const pqxx::sql_error& e) {
      return MakeError(ErrorCode::kConfig, "invalid configuration",
                       fmt::format("{}: handler {}: PostgreSQL cannot prepare the statement: {}", config.file,
                                   handler->name(), e.what()));
    }
  }
  return Ok{};
}

}  // namespace webhookd
