// SQL for the metrics sampler.
#include "storage/backlog_query.hpp"

#include <algorithm>
#include <pqxx/pqxx>

#include "storage/index_order.hpp"

namespace webhookd {

namespace {

// The WHERE clauses repeat the partial indexes' predicates so the planner
// can use them (see storage/migrations.cpp).
constexpr std::string_view kBacklogSql =
    "SELECT state, count(*),"
    "  coalesce(extract(epoch FROM now() - min(CASE WHEN state = 'received' THEN received_at ELSE verified_at END)),"
    "           0)::float8"
    " FROM paypro_events WHERE state IN ('received', 'verified', 'failed') GROUP BY state"
    " UNION ALL"
    " SELECT state, count(*), 0::float8"
    " FROM paypro_events WHERE state IN ('rejected', 'dead') GROUP BY state";

// The open states' index keeps an entry for every event that has left them
// until VACUUM cleans it, which may be minutes behind a burst. A bitmap scan,
// which the planner prefers for a count, visits the heap for every such
// entry on every reading (380 ms with 150,000 of them, every few seconds, on
// a core the intake needs); an index scan marks the entries it finds dead,
// so that later readings step over them (210 ms once, then 26 ms). The price
// is paid when the backlog is real: it visits the heap in the index's order,
// about 1.6 × the bitmap scan's time with 150,000 events waiting; the
// sampler's pause after a slow reading bounds either. `prefix` is for EXPLAIN.
pqxx::result RunBacklogQuery(pqxx::connection_base& connection, std::string_view prefix) {
  pqxx::read_transaction tx(connection);
  tx.exec0(kIndexOrderOnlySql);
  pqxx::result rows = tx.exec(std::string(prefix) + std::string(kBacklogSql));
  tx.commit();
  return rows;
}

}  // namespace

std::string ExplainBacklog(pqxx::connection_base& connection) {
  std::string plan;
  for (const auto& row : RunBacklogQuery(connection, "EXPLAIN ")) plan.append(row[0].c_str()).append("\n");
  return plan;
}

BacklogSample ReadBacklog(pqxx::connection_base& connection) {
  const pqxx::result rows = RunBacklogQuery(connection, "");
  BacklogSample sample;
  for (const auto& row : rows) {
    const std::string state = row[0].as<std::string>();
    const auto count = row[1].as<int64_t>();
    const double oldest_s = std::max(row[2].as<double>(), 0.0);
    const auto slot = std::find(kSampledStates.begin(), kSampledStates.end(), state);
    if (slot != kSampledStates.end()) sample.events[slot - kSampledStates.begin()] = count;
    if (state == "received") {
      sample.unverified = count;
      sample.oldest_unverified_s = oldest_s;
    } else if (state == "verified" || state == "failed") {
      sample.unprocessed += count;
      sample.oldest_unprocessed_s = std::max(sample.oldest_unprocessed_s, oldest_s);
    }
  }
  return sample;
}

}  // namespace webhookd
