// The `sql` handler kind: one parameterised statement in the processing transaction.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>

#include "handlers/handler.hpp"
#include "handlers/sql_placeholders.hpp"

namespace pqxx {
class connection_base;
}

namespace webhookd {

/// Runs the operator's statement with its `:path` placeholders as parameters
/// (never spliced into the statement's text: bound, or given to EXECUTE as
/// quoted literals when calls are batched), inside the transaction that marks
/// the event processed: its effect happens exactly once. A failing statement
/// fails the attempt; the transaction is rolled back and retried.
class SqlHandler final : public Handler {
 public:
  /// kConfig when the statement's placeholders do not parse.
  static Result<std::shared_ptr<SqlHandler>> Create(HandlerSettings settings, const SqlHandlerSpec& spec);

  HandlerPhase phase() const override { return HandlerPhase::kInTransaction; }
  HandlerOutcome Handle(const HandlerCall& call) override;
  /// EXECUTE of the prepared statement with the values as quoted literals.
  std::optional<std::string> StatementFor(const HandlerCall& call) override;

  /// The statement as sent, with $n parameters (for --check-config's PREPARE).
  const std::string& statement() const { return sql_.statement; }

 private:
  SqlHandler(HandlerSettings settings, SqlPlaceholders sql);
  /// The name the statement is prepared under on every connection.
  std::string StatementName() const;
  /// Registers the statement with `connection` under its name, and returns it.
  std::string Register(pqxx::connection_base& connection) const;
  /// The statement's parameters for one event, in order.
  std::vector<std::optional<std::string>> ValuesFor(const EventFields& fields) const;

  SqlPlaceholders sql_;
  size_t statement_hash_;                ///< tells apart handlers of one name across reloads
  std::atomic<uint64_t> generation_{0};  ///< bumped to prepare anew after a plan went stale
};

}  // namespace webhookd
