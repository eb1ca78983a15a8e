// SQL for --backfill.
#include "storage/backfill_store.hpp"

#include <algorithm>
#include <pqxx/pqxx>

#include "storage/text_array.hpp"

namespace webhookd {

namespace {

std::optional<std::string> OptionalText(const pqxx::field& field) {
  return field.is_null() ? std::nullopt : std::optional<std::string>(field.as<std::string>());
}

}  // namespace

bool TryLockBackfill(pqxx::connection_base& connection) {
  pqxx::nontransaction tx(connection);
  return tx.exec1("SELECT pg_try_advisory_lock(hashtext('paypro-webhookd:backfill'))")[0].as<bool>();
}

BackfillProgress LoadBackfillProgress(pqxx::connection_base& connection, const std::string& name) {
  pqxx::read_transaction tx(connection);
  const pqxx::result rows = tx.exec_params(
      "SELECT to_json(checkpoint) #>> '{}', run_key, run_next_target, to_json(run_newest) #>> '{}', run_pages"
      " FROM paypro_backfill_state WHERE name = $1",
      name);
  BackfillProgress progress;
  if (rows.empty()) return progress;
  progress.checkpoint = OptionalText(rows[0][0]);
  progress.run_key = OptionalText(rows[0][1]);
  progress.next_target = OptionalText(rows[0][2]);
  progress.newest = OptionalText(rows[0][3]);
  progress.pages = rows[0][4].as<int>();
  return progress;
}

PageCounts RecordBackfillPage(pqxx::connection_base& connection, const std::string& name, const std::string& run_key,
                              const std::vector<ListedEvent>& events, const std::optional<std::string>& next_target,
                              int pages) {
  PageCounts counts;
  // Rows are written in id order, as the inbox writes them, so that a page
  // and a concurrent inbox batch lock shared rows in the same order.
  std::vector<const ListedEvent*> ordered;
  for (const ListedEvent& event : events) ordered.push_back(&event);
  std::sort(ordered.begin(), ordered.end(), [](const auto* a, const auto* b) { return a->id < b->id; });
  pqxx::work tx(connection);
  for (const ListedEvent* listed : ordered) {
    const ListedEvent& event = *listed;
    // xmax = 0 tells an inserted row from one updated through ON CONFLICT.
    const pqxx::result row = tx.exec_params(
        "INSERT INTO paypro_events (event_id, event_type, resource_type, resource_id, paypro_created_at, state,"
        "   source, verified_body, verified_at, next_attempt_at)"
        " VALUES ($1, $2, nullif($3, ''), nullif($4, ''), $5::timestamptz, 'verified', 'backfill', $6, now(),"
        "   'infinity')"
        " ON CONFLICT (event_id) DO UPDATE SET state = 'verified', event_type = EXCLUDED.event_type,"
        "   resource_type = EXCLUDED.resource_type, resource_id = EXCLUDED.resource_id,"
        "   paypro_created_at = EXCLUDED.paypro_created_at, verified_body = EXCLUDED.verified_body,"
        "   verified_at = now(), attempts = 0, next_attempt_at = 'infinity', lease_owner = NULL,"
        "   lease_until = NULL, last_error = NULL, updated_at = now()"
        " WHERE paypro_events.state = 'received'"
        " RETURNING xmax = 0",
        event.id, event.event_type, event.resource_type, event.resource_id, event.created_at, event.json);
    if (row.empty()) {
      ++counts.known;
    } else if (row[0][0].as<bool>()) {
      ++counts.inserted;
    } else {
      ++counts.completed;
    }
  }
  tx.exec_params0(
      "INSERT INTO paypro_backfill_state AS s (name, run_key, run_next_target, run_newest, run_pages)"
      " VALUES ($1, $2, $3, $4::timestamptz, $5)"
      " ON CONFLICT (name) DO UPDATE SET run_key = $2, run_next_target = $3,"
      "   run_newest = greatest(CASE WHEN s.run_key = $2 THEN s.run_newest END, $4::timestamptz),"
      "   run_pages = $5, updated_at = now()",
      // Pages list newest first: the first event is the newest of the page.
      name, run_key, next_target, events.empty() ? std::nullopt : std::optional(events.front().created_at), pages);
  tx.commit();
  return counts;
}

void FinishBackfill(pqxx::connection_base& connection, const std::string& name) {
  pqxx::work tx(connection);
  tx.exec_params0(
      "UPDATE paypro_backfill_state SET checkpoint = greatest(checkpoint, run_newest), run_key = NULL,"
      " run_next_target = NULL, run_newest = NULL, run_pages = 0, updated_at = now() WHERE name = $1",
      name);
  // Released with their own time as due time (never later than now): the
  // processors, which take the earliest due first, hand them out oldest first.
  tx.exec0(
      "UPDATE paypro_events SET next_attempt_at = least(coalesce(paypro_created_at, now()), now()),"
      " updated_at = now()"
      " WHERE next_attempt_at = 'infinity'");
  tx.commit();
}

std::vector<std::string> StoredEventIds(pqxx::connection_base& connection, const std::vector<std::string>& ids) {
  pqxx::read_transaction tx(connection);
  const pqxx::result rows =
      tx.exec_params("SELECT event_id FROM paypro_events WHERE event_id = ANY($1::text[])", TextArrayLiteral(ids));
  std::vector<std::string> stored;
  for (const auto& row : rows) stored.push_back(row[0].as<std::string>());
  return stored;
}

int HeldBackfillEvents(pqxx::connection_base& connection) {
  pqxx::read_transaction tx(connection);
  return tx.exec1("SELECT count(*) FROM paypro_events WHERE next_attempt_at = 'infinity'")[0].as<int>();
}

}  // namespace webhookd
