// SQL for the metrics sampler.
#include "storage/backlog_query.hpp"

#include <algorithm>
#include <pqxx/pqxx>

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

}  // namespace

std::string_view BacklogSql() { return kBacklogSql; }

BacklogSample ReadBacklog(pqxx::connection_base& connection) {
  pqxx::nontransaction tx(connection);
  const pqxx::result rows = tx.exec(std::string(kBacklogSql));
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
