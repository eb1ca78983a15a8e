// Queries over events and their effects.
#include "tests/support/event_outcomes.hpp"

#include <pqxx/pqxx>

namespace webhookd::testing {

void CreateEffectsTable(const TestDatabase& database) {
  auto connection = database.Connect();
  pqxx::work tx(*connection);
  tx.exec0("CREATE TABLE effects (event_id text NOT NULL, at timestamptz NOT NULL DEFAULT clock_timestamp())");
  tx.commit();
}

EffectCounts CountEffects(const TestDatabase& database) {
  auto connection = database.Connect();
  pqxx::nontransaction tx(*connection);
  EffectCounts counts;
  const pqxx::row totals = tx.exec1("SELECT count(*), count(DISTINCT event_id) FROM effects");
  counts.rows = totals[0].as<int64_t>();
  counts.events = totals[1].as<int64_t>();
  for (const auto& row : tx.exec("SELECT event_id FROM effects GROUP BY event_id HAVING count(*) > 1 ORDER BY 1")) {
    counts.duplicated.push_back(row[0].as<std::string>());
  }
  return counts;
}

std::set<std::string> EventIdsIn(const TestDatabase& database, const std::string& state) {
  auto connection = database.Connect();
  pqxx::nontransaction tx(*connection);
  std::set<std::string> ids;
  for (const auto& row : tx.exec_params("SELECT event_id FROM paypro_events WHERE state = $1", state)) {
    ids.insert(row[0].as<std::string>());
  }
  return ids;
}

std::string StateCounts(const TestDatabase& database) {
  auto connection = database.Connect();
  pqxx::nontransaction tx(*connection);
  std::string text;
  for (const auto& row : tx.exec("SELECT state, count(*) FROM paypro_events GROUP BY state ORDER BY state")) {
    if (!text.empty()) text += ' ';
    text += row[0].as<std::string>() + "=" + row[1].as<std::string>();
  }
  return text.empty() ? "no events" : text;
}

}  // namespace webhookd::testing
