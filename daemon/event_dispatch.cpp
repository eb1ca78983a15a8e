// Matching verified events to handlers and running them.
#include "daemon/event_dispatch.hpp"

#include <fmt/format.h>

#include <algorithm>

#include <pqxx/pqxx>

namespace webhookd {

namespace {

// Runs `handler` and measures it.
std::pair<HandlerOutcome, std::chrono::nanoseconds> TimedHandle(Handler& handler, const HandlerCall& call) {
  const auto started = std::chrono::steady_clock::now();
  HandlerOutcome outcome = handler.Handle(call);
  return {std::move(outcome), std::chrono::steady_clock::now() - started};
}

// Where RunAllInTransaction's calls start, to be undone together.
constexpr const char* kCallsSavepoint = "handler_calls";

}  // namespace

Result<Dispatch> DispatchEvent(const DispatchTable& table, std::string_view verified_body) {
  auto event = DecodeEvent(verified_body);
  if (!event) return event.take_error();
  auto fields = EventFields::Parse(verified_body);
  if (!fields) return fields.take_error();
  Dispatch dispatch{std::move(*event), std::move(*fields), {}, {}, {}};
  for (Handler* handler : table.Lookup(dispatch.event.type, dispatch.event.type_name)) {
    if (!handler->Wants(dispatch.fields)) continue;
    switch (handler->phase()) {
      case HandlerPhase::kInTransaction: dispatch.in_transaction.push_back(handler); break;
      case HandlerPhase::kOutside: dispatch.outside.push_back(handler); break;
      case HandlerPhase::kAfterCommit: dispatch.after_commit.push_back(handler); break;
    }
  }
  return dispatch;
}

std::optional<HandlerFailure> RunInTransaction(const Dispatch& dispatch, pqxx::transaction_base& tx,
                                               HandlerStats& stats, std::vector<CommittedRun>& runs) {
  for (Handler* handler : dispatch.in_transaction) {
    const auto [outcome, took] = TimedHandle(*handler, {dispatch.event, dispatch.fields, &tx});
    HandlerSeries& series = stats.For(handler->name());
    if (outcome.kind != HandlerOutcome::Kind::kDone) return HandlerFailure{handler, &series, outcome.error, took};
    runs.push_back({&series, took});
  }
  return std::nullopt;
}

bool HasInTransactionCalls(const std::vector<Dispatch>& dispatches) {
  return std::any_of(dispatches.begin(), dispatches.end(),
                     [](const Dispatch& dispatch) { return !dispatch.in_transaction.empty(); });
}

std::optional<HandlerStatements> StatementsOf(const std::vector<Dispatch>& dispatches, pqxx::transaction_base& tx,
                                              HandlerStats& stats) {
  HandlerStatements statements;
  for (const Dispatch& dispatch : dispatches) {
    for (Handler* handler : dispatch.in_transaction) {
      std::optional<std::string> statement;
      try {
        statement = handler->StatementFor({dispatch.event, dispatch.fields, &tx});
      } catch (const pqxx::argument_error&) {
        // A value libpq cannot quote (not in the connection's encoding):
        // bound on its own, it fails with the server's word for it.
      }
      if (!statement) return std::nullopt;
      statements.sql += *statement;
      statements.sql += ";\n";
      statements.series.push_back(&stats.For(handler->name()));
    }
  }
  return statements;
}

void HandlerStatements::Credit(std::chrono::nanoseconds took, std::vector<CommittedRun>& runs) const {
  if (series.empty()) return;
  const auto share = took / series.size();
  for (HandlerSeries* each : series) runs.push_back({each, share});
}

std::optional<std::string> RunAllInTransaction(const std::vector<Dispatch>& dispatches, pqxx::dbtransaction& tx,
                                               HandlerStats& stats, std::vector<CommittedRun>& runs) {
  if (!HasInTransactionCalls(dispatches)) return std::nullopt;
  // Set by hand, before any statement is prepared or run (a failed PREPARE
  // aborts the transaction too): libpqxx 6.4 starts a subtransaction at its
  // first exec(), not at an exec_prepared().
  tx.exec0(std::string("SAVEPOINT ") + kCallsSavepoint);
  const size_t runs_before = runs.size();
  std::optional<std::string> failure;
  for (const Dispatch& dispatch : dispatches) {
    if (auto failed = RunInTransaction(dispatch, tx, stats, runs)) {
      failure = fmt::format("event {}: handler {}: {}", dispatch.event.id, failed->handler->name(), failed->error);
      break;
    }
  }
  if (failure) {
    runs.resize(runs_before);
    tx.exec0(fmt::format("ROLLBACK TO SAVEPOINT {0}; RELEASE SAVEPOINT {0}", kCallsSavepoint));
  } else {
    tx.exec0(std::string("RELEASE SAVEPOINT ") + kCallsSavepoint);
  }
  return failure;
}

void RunAfterCommit(const Dispatch& dispatch, HandlerStats& stats) {
  for (Handler* handler : dispatch.after_commit) {
    const auto [outcome, took] = TimedHandle(*handler, {dispatch.event, dispatch.fields, nullptr});
    const bool done = outcome.kind == HandlerOutcome::Kind::kDone;
    stats.For(handler->name()).Record(done ? RunResult::kDone : RunResult::kDead, took);
  }
}

}  // namespace webhookd
