// The schema, version by version.
#include "storage/migrations.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <array>
#include <pqxx/pqxx>

#include "storage/mirror_schema.hpp"

namespace webhookd {

namespace {

// Keyed by a constant, so that every daemon sharing the database takes the same lock.
constexpr std::string_view kLockSql = "SELECT pg_advisory_lock(hashtext('paypro-webhookd:migrations'))";
constexpr std::string_view kUnlockSql = "SELECT pg_advisory_unlock(hashtext('paypro-webhookd:migrations'))";

constexpr std::string_view kEventsTable = R"sql(
CREATE TABLE paypro_events (
  event_id          text PRIMARY KEY,
  seq               bigint GENERATED ALWAYS AS IDENTITY,
  event_type        text NOT NULL,
  resource_type     text,
  resource_id       text,
  paypro_created_at timestamptz,
  state             text NOT NULL DEFAULT 'received'
                    CHECK (state IN ('received', 'verified', 'processed', 'rejected', 'failed', 'dead')),
  source            text NOT NULL DEFAULT 'webhook' CHECK (source IN ('webhook', 'backfill')),
  attempts          integer NOT NULL DEFAULT 0,
  next_attempt_at   timestamptz NOT NULL DEFAULT now(),
  lease_owner       text,
  lease_until       timestamptz,
  last_error        text,
  raw_body          text,
  verified_body     text,
  received_at       timestamptz NOT NULL DEFAULT now(),
  verified_at       timestamptz,
  processed_at      timestamptz,
  updated_at        timestamptz NOT NULL DEFAULT now(),
  -- In-database handlers have run and the outside ones have run records.
  db_done           boolean NOT NULL DEFAULT false
);
-- Work queues: partial indexes stay small because finished rows leave them.
CREATE INDEX paypro_events_to_verify ON paypro_events (next_attempt_at) WHERE state = 'received';
CREATE INDEX paypro_events_to_process ON paypro_events (next_attempt_at)
  WHERE state IN ('verified', 'failed') AND NOT db_done;
CREATE INDEX paypro_events_newest ON paypro_events (seq DESC);
-- Ordering: the unfinished events of a resource, oldest first.
CREATE INDEX paypro_events_open_by_resource ON paypro_events (resource_id, paypro_created_at, seq)
  WHERE state IN ('received', 'verified', 'failed');

-- One row per (event, outside handler): at-least-once delivery with retries.
CREATE TABLE paypro_handler_runs (
  event_id        text NOT NULL REFERENCES paypro_events (event_id) ON DELETE CASCADE,
  handler         text NOT NULL,
  state           text NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'succeeded', 'failed', 'dead')),
  attempts        integer NOT NULL DEFAULT 0,
  next_attempt_at timestamptz NOT NULL DEFAULT now(),
  lease_owner     text,
  lease_until     timestamptz,
  last_error      text,
  created_at      timestamptz NOT NULL DEFAULT now(),
  updated_at      timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (event_id, handler)
);
CREATE INDEX paypro_handler_runs_due ON paypro_handler_runs (next_attempt_at) WHERE state IN ('pending', 'failed');
)sql";

constexpr std::string_view kBackfillState = R"sql(
-- Progress of --backfill walks, so an interrupted walk resumes where it was.
CREATE TABLE paypro_backfill_state (
  name            text PRIMARY KEY,   -- 'manual' (--backfill) or 'reconcile'
  checkpoint      timestamptz,        -- newest event time covered by the last completed walk
  run_key         text,               -- the bounds of the unfinished walk, if any
  run_next_target text,               -- where the unfinished walk continues
  run_newest      timestamptz,        -- newest event time the unfinished walk has seen
  run_pages       integer NOT NULL DEFAULT 0,
  updated_at      timestamptz NOT NULL DEFAULT now()
);
-- Backfilled events wait with next_attempt_at = 'infinity' until their walk
-- completes, then are released oldest first.
CREATE INDEX paypro_events_held ON paypro_events (source) WHERE next_attempt_at = 'infinity';
)sql";

// The metrics sampler counts these states every few seconds; without an
// index that would scan the whole table, which grows without bound. Rows
// are few (PayPro rarely denies a signed event; dead letters get handled).
constexpr std::string_view kFinishedBadlyIndex = R"sql(
CREATE INDEX paypro_events_finished_badly ON paypro_events (state) WHERE state IN ('rejected', 'dead');
)sql";

// Every event's row was updated three times (lease, verified, processed).
// Only the lease changes no indexed column, so only it can be a HOT update,
// which writes no index entries, and only if the row's page has room for
// the new version: full pages sent all of them to other pages, with an
// entry in each of four indexes. Half-full pages leave that room. Since the
// verifier's claim became a row lock it writes no lease, but the room still
// keeps the verified and processed versions on their row's page: full pages
// made the acknowledgement alone faster (half the table extensions) and a
// burst end to end slower (docs/BENCHMARKS.md), so the setting stays.
constexpr std::string_view kRoomForLeases = R"sql(
ALTER TABLE paypro_events SET (fillfactor = 50);
)sql";

// A B-tree on seq served only --list-events, and cost every insert and every
// verified or processed update an index entry; without it a burst ran about
// 10 % faster (docs/BENCHMARKS.md). Rows are appended in seq order, so a BRIN
// index, which keeps each page range's lowest and highest seq and is written
// only when a summarized range widens, finds the newest pages as well (see
// ListEventsJson).
constexpr std::string_view kNewestByPageRange = R"sql(
DROP INDEX paypro_events_newest;
CREATE INDEX paypro_events_seq_ranges ON paypro_events USING brin (seq);
)sql";

constexpr std::array kMigrations = {
    Migration{1, "events inbox and handler runs", kEventsTable},
    Migration{2, "mirror tables", kMirrorTables},
    Migration{3, "backfill state", kBackfillState},
    Migration{4, "index of rejected and dead events", kFinishedBadlyIndex},
    Migration{5, "room on event pages for lease updates", kRoomForLeases},
    Migration{6, "page ranges of seq instead of a B-tree", kNewestByPageRange},
};

Result<int> CurrentVersion(pqxx::connection_base& connection) {
  pqxx::nontransaction tx(connection);
  tx.exec0(
      "CREATE TABLE IF NOT EXISTS paypro_schema_migrations ("
      " version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())");
  return tx.exec1("SELECT coalesce(max(version), 0) FROM paypro_schema_migrations")[0].as<int>();
}

}  // namespace

std::span<const Migration> AllMigrations() { return kMigrations; }

Result<int> SchemaVersion(pqxx::connection_base& connection) {
  try {
    pqxx::nontransaction tx(connection);
    const auto exists = tx.exec1("SELECT to_regclass('paypro_schema_migrations') IS NOT NULL")[0].as<bool>();
    if (!exists) return 0;
    return tx.exec1("SELECT coalesce(max(version), 0) FROM paypro_schema_migrations")[0].as<int>();
  } catch (const std::exception& e) {
    return MakeError(ErrorCode::kUnavailable, "database unavailable", e.what());
  }
}

Result<int> ApplyMigrations(pqxx::connection_base& connection) {
  try {
    pqxx::nontransaction(connection).exec(std::string(kLockSql));
    auto version = CurrentVersion(connection);
    for (const Migration& migration : kMigrations) {
      if (migration.version <= *version) continue;
      pqxx::work tx(connection);
      tx.exec(std::string(migration.sql));
      tx.exec_params0("INSERT INTO paypro_schema_migrations (version, name) VALUES ($1, $2)",
                      migration.version, std::string(migration.name));
      tx.commit();
      spdlog::info("applied migration {} ({})", migration.version, migration.name);
      version = migration.version;
    }
    pqxx::nontransaction(connection).exec(std::string(kUnlockSql));
    return version;
  } catch (const std::exception& e) {
    return MakeError(ErrorCode::kUnavailable, "migration failed", fmt::format("applying migrations: {}", e.what()));
  }
}

}  // namespace webhookd
