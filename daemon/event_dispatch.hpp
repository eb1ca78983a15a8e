// A verified event matched to its handlers, and the running of the handlers
// that commit with it: shared by the processor and by the verifier, which
// processes an event in the transaction that records it verified when it can.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.hpp"
#include "daemon/handler_stats.hpp"
#include "handlers/dispatch_table.hpp"

namespace pqxx {
class dbtransaction;
class transaction_base;
}

namespace webhookd {

/// PayPro's copy of an event, decoded, with the handlers whose `when:` holds, by phase.
struct Dispatch {
  Event event;
  EventFields fields;
  std::vector<Handler*> in_transaction;  ///< sql, notify, mirror: in the event's transaction
  std::vector<Handler*> outside;         ///< http, exec: through run records
  std::vector<Handler*> after_commit;    ///< log: once the transaction committed
};

/// Decodes `verified_body` and matches it against `table`; an error when the
/// copy does not decode (retrying cannot help).
Result<Dispatch> DispatchEvent(const DispatchTable& table, std::string_view verified_body);

/// An in-database handler's run, counted once its transaction commits.
struct CommittedRun {
  HandlerSeries* series;
  std::chrono::nanoseconds took;
};

/// The in-database handler that failed, why, and how long it ran.
struct HandlerFailure {
  Handler* handler;
  HandlerSeries* series;
  std::string error;
  std::chrono::nanoseconds took;
};

/// Runs the in-database handlers of `dispatch` inside `tx`, in order, adding
/// each success to `runs`; stops at the first failure and returns it.
std::optional<HandlerFailure> RunInTransaction(const Dispatch& dispatch, pqxx::transaction_base& tx,
                                               HandlerStats& stats, std::vector<CommittedRun>& runs);

/// Whether any dispatch has an in-database handler to call.
bool HasInTransactionCalls(const std::vector<Dispatch>& dispatches);

/// The statements of a round's in-database handler calls, to be sent to
/// PostgreSQL in one message, and the series each run counts in.
struct HandlerStatements {
  std::string sql;  ///< each statement ends with `;`
  std::vector<HandlerSeries*> series;

  /// Adds the runs to `runs`, each credited an equal share of `took`, the
  /// time of the message that carried them.
  void Credit(std::chrono::nanoseconds took, std::vector<CommittedRun>& runs) const;
};

/// The statements of every dispatch's in-database calls (Handler::
/// StatementFor), in order; nullopt when a call has none. Prepares a handler's
/// statement on `tx`'s connection if it is new there, which can fail
/// (pqxx::sql_error) and then leaves the transaction aborted on the server.
std::optional<HandlerStatements> StatementsOf(const std::vector<Dispatch>& dispatches, pqxx::transaction_base& tx,
                                              HandlerStats& stats);

/// Runs the in-database handlers of every dispatch inside `tx`, one call at a
/// time and in order, adding each run to `runs`. A failing handler's call
/// returns why, naming its event and handler; then every call's effects are
/// rolled back to a savepoint and their runs taken out of `runs`, and `tx`
/// goes on as it was. A round without in-database calls sends nothing.
/// What the connection throws beyond statement errors (pqxx::broken_connection,
/// pqxx::transaction_rollback for deadlocks) goes on to the caller.
std::optional<std::string> RunAllInTransaction(const std::vector<Dispatch>& dispatches, pqxx::dbtransaction& tx,
                                               HandlerStats& stats, std::vector<CommittedRun>& runs);

/// Runs the after-commit handlers of `dispatch`. After the commit there is
/// nothing left to retry: a failure is final, counted dead.
void RunAfterCommit(const Dispatch& dispatch, HandlerStats& stats);

}  // namespace webhookd
