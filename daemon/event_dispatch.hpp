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

/// Runs the in-database handlers of every dispatch inside `tx`, in order,
/// adding each run to `runs`. When every call has a statement of its own
/// (Handler::StatementFor) they travel to PostgreSQL together, one round trip
/// for all, each run credited an equal share of its time; otherwise one call
/// at a time. On a failure, returns why; `tx` is then to be rolled back, and
/// which call failed may not be known (retrying them one by one tells).
std::optional<std::string> RunAllInTransaction(const std::vector<Dispatch>& dispatches, pqxx::transaction_base& tx,
                                               HandlerStats& stats, std::vector<CommittedRun>& runs);

/// Runs the after-commit handlers of `dispatch`. After the commit there is
/// nothing left to retry: a failure is final, counted dead.
void RunAfterCommit(const Dispatch& dispatch, HandlerStats& stats);

}  // namespace webhookd
