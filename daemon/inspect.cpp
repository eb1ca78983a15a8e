// Inspection commands.
#include "daemon/inspect.hpp"

#include <fmt/format.h>

#include <cstdio>
#include <pqxx/pqxx>

#include "daemon/cli.hpp"
#include "storage/database.hpp"
#include "storage/event_queries.hpp"
#include "storage/migrations.hpp"

namespace webhookd {

namespace {

// Runs `query` on a connection to a database the daemon has set up.
template <typename Query>
int WithDatabase(const Config& config, Query query) {
  auto connection = ConnectDatabase(config.database.url);
  if (!connection) {
    fmt::print(stderr, "paypro-webhookd: {}\n", connection.error().detail);
    return kExitFailure;
  }
  try {
    auto version = SchemaVersion(**connection);
    if (!version || *version == 0) {
      fmt::print(stderr, "paypro-webhookd: the database has no paypro-webhookd tables yet (start the daemon once)\n");
      return kExitFailure;
    }
    return query(**connection);
  } catch (const std::exception& e) {
    fmt::print(stderr, "paypro-webhookd: {}\n", RedactPassword(e.what(), config.database.url));
    return kExitFailure;
  }
}

}  // namespace

int ShowEvent(const Config& config, const std::string& event_id) {
  return WithDatabase(config, [&](pqxx::connection_base& connection) {
    const auto json = ShowEventJson(connection, event_id);
    if (!json) {
      fmt::print(stderr, "paypro-webhookd: no event {}\n", event_id);
      return kExitFailure;
    }
    fmt::print("{}\n", *json);
    return kExitOk;
  });
}

int ListEvents(const Config& config, const std::optional<std::string>& state, int limit) {
  return WithDatabase(config, [&](pqxx::connection_base& connection) {
    for (const std::string& line : ListEventsJson(connection, state, limit)) fmt::print("{}\n", line);
    return kExitOk;
  });
}

}  // namespace webhookd
