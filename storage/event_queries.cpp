// JSON views built by PostgreSQL itself, so formats and escaping are its own.
#include "storage/event_queries.hpp"

#include <pqxx/pqxx>

namespace webhookd {

namespace {

constexpr const char* kSummaryColumns =
    "'id', event_id, 'event_type', event_type, 'state', state, 'attempts', attempts,"
    " 'source', source, 'resource_type', resource_type, 'resource_id', resource_id,"
    " 'created_at', paypro_created_at, 'received_at', received_at, 'verified_at', verified_at,"
    " 'processed_at', processed_at, 'next_attempt_at', next_attempt_at, 'last_error', last_error";

}  // namespace

std::optional<std::string> ShowEventJson(pqxx::connection_base& connection, const std::string& event_id) {
  pqxx::read_transaction tx(connection);
  const pqxx::result rows = tx.exec_params(
      std::string("SELECT json_build_object(") + kSummaryColumns +
          ", 'handler_runs', (SELECT coalesce(json_agg(json_build_object('handler', r.handler, 'state', r.state,"
          "   'attempts', r.attempts, 'next_attempt_at', r.next_attempt_at, 'last_error', r.last_error)"
          "   ORDER BY r.handler), '[]'::json) FROM paypro_handler_runs r WHERE r.event_id = e.event_id)"
          ", 'verified', verified_body::json, 'posted', raw_body::json)::text"
          " FROM paypro_events e WHERE event_id = $1",
      event_id);
  if (rows.empty()) return std::nullopt;
  return rows[0][0].as<std::string>();
}

std::vector<std::string> ListEventsJson(pqxx::connection_base& connection, const std::optional<std::string>& state,
                                        int limit) {
  pqxx::read_transaction tx(connection);
  // The newest events are found in a window of seq below the identity's last
  // value, through the BRIN index; the window widens until it holds `limit`
  // rows or reaches the table's start. It starts at twice the limit because
  // every duplicate POST draws a seq value that no row keeps.
  const auto newest = tx.exec1("SELECT coalesce(pg_sequence_last_value("
                               "pg_get_serial_sequence('paypro_events', 'seq')::regclass), 0)")[0]
                          .as<int64_t>();
  pqxx::result rows;
  for (int64_t window = 2 * int64_t{limit};; window *= 4) {
    const int64_t floor = newest - window;
    rows = tx.exec_params(std::string("SELECT json_build_object(") + kSummaryColumns +
                              ")::text FROM paypro_events WHERE seq > $3 AND ($1::text IS NULL OR state = $1)"
                              " ORDER BY seq DESC LIMIT $2",
                          state, limit, floor);
    if (rows.size() >= static_cast<size_t>(limit) || floor <= 0) break;
  }
  std::vector<std::string> lines;
  lines.reserve(rows.size());
  for (const auto& row : rows) lines.push_back(row[0].as<std::string>());
  return lines;
}

std::string CountByStateJson(pqxx::connection_base& connection) {
  pqxx::read_transaction tx(connection);
  return tx.exec1("SELECT coalesce(json_object_agg(state, n), '{}')::text FROM"
                  " (SELECT state, count(*) AS n FROM paypro_events GROUP BY state) s")[0]
      .as<std::string>();
}

}  // namespace webhookd
