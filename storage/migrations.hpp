// Versioned schema migrations, applied at start under an advisory lock.
#pragma once

#include <span>
#include <string_view>

#include "core/result.hpp"

namespace pqxx {
class connection_base;
}

namespace webhookd {

struct Migration {
  int version;
  std::string_view name;
  std::string_view sql;
};

/// Every migration, in order. Never edit a released one: add a new one.
std::span<const Migration> AllMigrations();

/// Applies the migrations the database lacks, each in its own transaction.
/// An advisory lock makes concurrent daemons on one database wait for each
/// other instead of racing. Returns the schema version now in place.
Result<int> ApplyMigrations(pqxx::connection_base& connection);

/// The highest applied version, 0 for an empty database.
Result<int> SchemaVersion(pqxx::connection_base& connection);

}  // namespace webhookd
