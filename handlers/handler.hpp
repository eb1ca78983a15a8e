// The interface every handler kind implements.
#pragma once

#include <string>

#include "core/result.hpp"
#include "handlers/event.hpp"

namespace pqxx {
class transaction_base;
}

namespace webhookd {

/// Where a handler runs relative to the transaction that marks an event processed.
enum class HandlerPhase {
  /// Inside it (sql, notify, mirror): its effect commits with the processed
  /// mark or not at all, so it happens exactly once.
  kInTransaction,
  /// After it commits (log): sees only committed events; a crash between
  /// commit and handler loses its effect, which suits effects that are only
  /// records of what happened.
  kAfterCommit,
};

/// One configured handler. Implementations are immutable after construction
/// and safe to call from several worker threads at once.
class Handler {
 public:
  virtual ~Handler() = default;

  /// The configured name, unique in a config.
  virtual const std::string& name() const = 0;
  virtual HandlerPhase phase() const = 0;

  /// Handles `event`. `tx` is the open transaction for kInTransaction
  /// handlers and nullptr otherwise. An error fails this event's attempt.
  virtual Status Handle(const Event& event, pqxx::transaction_base* tx) = 0;
};

}  // namespace webhookd
