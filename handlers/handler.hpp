// The interface every handler kind implements.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "config/config.hpp"
#include "core/result.hpp"
#include "handlers/event.hpp"
#include "handlers/event_fields.hpp"
#include "handlers/when_filter.hpp"

namespace pqxx {
class transaction_base;
}

namespace webhookd {

/// Where a handler runs relative to the transaction that marks an event processed.
enum class HandlerPhase {
  /// Inside it (sql, notify, mirror): its effect commits with the event's
  /// progress or not at all, so it happens exactly once.
  kInTransaction,
  /// Outside the database (http, exec): at least once, with a run record
  /// per (event, handler), its own retries and a dead letter.
  kOutside,
  /// Once, right after the event's in-database work commits (log): sees only
  /// committed events; nothing to retry.
  kAfterCommit,
};

/// What a handler gets for one event.
struct HandlerCall {
  const Event& event;
  const EventFields& fields;     ///< the event JSON, readable by path
  pqxx::transaction_base* tx;    ///< the open transaction for kInTransaction, else nullptr
};

/// The outcome of one attempt.
struct HandlerOutcome {
  enum class Kind {
    kDone,      ///< succeeded
    kRetry,     ///< failed; try again after backoff (or `retry_after`)
    kDisable,   ///< the target asked never to be called again (HTTP 410): disable until reload
  };
  Kind kind = Kind::kDone;
  std::string error;                               ///< for kRetry / kDisable: for logs and last_error
  std::optional<std::chrono::seconds> retry_after; ///< a lower bound the target asked for

  static HandlerOutcome Done() { return {}; }
  static HandlerOutcome Retry(std::string error, std::optional<std::chrono::seconds> after = std::nullopt) {
    return {Kind::kRetry, std::move(error), after};
  }
};

/// What every handler is configured with, whatever its kind.
struct HandlerSettings {
  std::string name;                   ///< unique in a config; used in logs, metrics, run records
  std::vector<WhenCondition> when;    ///< all must hold for the handler to run
  RetryPolicy retry;
};

/// One configured handler. Implementations are immutable after construction
/// (but for their own synchronised state) and safe to call from several
/// worker threads at once.
class Handler {
 public:
  explicit Handler(HandlerSettings settings) : settings_(std::move(settings)) {}
  virtual ~Handler() = default;

  const std::string& name() const { return settings_.name; }
  const RetryPolicy& retry() const { return settings_.retry; }
  /// True when the `when:` conditions hold for the event.
  bool Wants(const EventFields& fields) const { return WhenMatches(settings_.when, fields); }

  virtual HandlerPhase phase() const = 0;
  /// Handles one event. Throwing is for bugs; expected failures are outcomes.
  virtual HandlerOutcome Handle(const HandlerCall& call) = 0;
  /// For an in-database handler: one SQL statement, without transaction
  /// control, that does what Handle would for `call` in `call.tx`, so that
  /// many calls can travel to PostgreSQL together in one round trip. Its
  /// values must be literals quoted by the connection (`tx->quote`). May talk
  /// to the server (to prepare). nullopt: this call runs alone.
  virtual std::optional<std::string> StatementFor(const HandlerCall& /*call*/) { return std::nullopt; }
  /// True while calls would only wait for a slot (exec's max_concurrency
  /// runs are under way): workers claim none of its runs meanwhile, so that
  /// a hung program never holds a worker other handlers' runs need.
  virtual bool Saturated() const { return false; }

 private:
  HandlerSettings settings_;
};

}  // namespace webhookd
