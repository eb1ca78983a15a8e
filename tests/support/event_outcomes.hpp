// What became of events: their states, and a table counting every handling.
#pragma once

#include <cstdint>
#include <set>
#include <string>
#include <vector>

#include "tests/support/test_database.hpp"

namespace webhookd::testing {

/// A `handlers:` entry (sql, on every type) that inserts one row into
/// `effects` per handling. The table has no unique constraint, so an event
/// handled twice shows as two rows.
inline constexpr const char* kEffectsHandlerYaml =
    "  - name: effects\n    on: [\"*\"]\n    sql: \"INSERT INTO effects (event_id) VALUES (:id)\"\n";

/// Creates the `effects` table kEffectsHandlerYaml writes.
void CreateEffectsTable(const TestDatabase& database);

/// The effects table summed up.
struct EffectCounts {
  int64_t rows = 0;
  int64_t events = 0;                   ///< distinct event ids
  std::vector<std::string> duplicated;  ///< ids with more than one row
};

EffectCounts CountEffects(const TestDatabase& database);

/// Ids of the stored events in `state`.
std::set<std::string> EventIdsIn(const TestDatabase& database, const std::string& state);

/// "processed=10 rejected=2", for messages.
std::string StateCounts(const TestDatabase& database);

}  // namespace webhookd::testing
