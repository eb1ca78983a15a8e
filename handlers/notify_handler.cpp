// pg_notify with a small JSON payload.
#include "handlers/notify_handler.hpp"

#include <pqxx/pqxx>

#include "core/json_writer.hpp"

namespace webhookd {

std::string NotificationPayload(const Event& event) {
  JsonWriter json;
  json.BeginObject()
      .Key("id").String(event.id)
      .Key("type").String(event.type_name)
      .Key("resource_type").String(event.resource_type)
      .Key("resource_id").String(event.resource_id)
      .EndObject();
  return json.Take();
}

HandlerOutcome NotifyHandler::Handle(const HandlerCall& call) {
  try {
    // Bound, not quoted: a payload that libpq cannot quote for the
    // connection's encoding then fails here with the server's word for it,
    // instead of throwing past the call.
    call.tx->exec_params("SELECT pg_notify($1, $2)", spec_.channel, NotificationPayload(call.event));
    return HandlerOutcome::Done();
  } catch (const pqxx::sql_error& e) {
    return HandlerOutcome::Retry(std::string("pg_notify failed: ") + e.what());
  }
}

std::optional<std::string> NotifyHandler::StatementFor(const HandlerCall& call) {
  // Channel and payload as literals quoted by libpq: a channel named in the
  // configuration is a string here, never an identifier in the SQL.
  return "SELECT pg_notify(" + call.tx->quote(spec_.channel) + ", " + call.tx->quote(NotificationPayload(call.event)) +
         ")";
}

}  // namespace webhookd
