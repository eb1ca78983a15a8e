// Operator commands.
#include "daemon/operator_commands.hpp"

#include <fmt/format.h>

#include <cstdio>
#include <pqxx/pqxx>

#include "daemon/cli.hpp"
#include "storage/database.hpp"
#include "storage/event_queries.hpp"
#include "storage/event_retry.hpp"
#include "storage/migrations.hpp"

namespace webhookd {

namespace {

// Runs `query` on a connection to a database the daemon has set up.
template <typename Query>
int WithDatabase(const Config& config, Query query) {
  auto connection = ConnectDatabase(config.database.url, "command");
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

int RetryEventCommand(const Config& config, const std::string& event_id) {
  return WithDatabase(config, [&](pqxx::connection_base& connection) {
    const auto was = RetryEvent(connection, event_id);
    if (!was) {
      fmt::print(stderr, "paypro-webhookd: no event {}\n", event_id);
      return kExitFailure;
    }
    if (*was != "failed" && *was != "dead") {
      fmt::print(stderr, "paypro-webhookd: event {} is {}, not failed or dead: nothing to retry\n", event_id, *was);
      return kExitFailure;
    }
    fmt::print("event {} was {}; it is due again now\n", event_id, *was);
    return kExitOk;
  });
}

int RetryDeadCommand(const Config& config) {
  return WithDatabase(config, [&](pqxx::connection_base& connection) {
    fmt::print("{} dead events are due again now\n", RetryDeadEvents(connection));
    return kExitOk;
  });
}

}  // namespace webhookd
