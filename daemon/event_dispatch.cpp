// Matching verified events to handlers and running them.
#include "daemon/event_dispatch.hpp"

#include <fmt/format.h>

#include <pqxx/pqxx>

namespace webhookd {

namespace {

// Runs `handler` and measures it.
std::pair<HandlerOutcome, std::chrono::nanoseconds> TimedHandle(Handler& handler, const HandlerCall& call) {
  const auto started = std::chrono::steady_clock::now();
  HandlerOutcome outcome = handler.Handle(call);
  return {std::move(outcome), std::chrono::steady_clock::now() - started};
}

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

std::optional<std::string> RunAllInTransaction(const std::vector<Dispatch>& dispatches, pqxx::transaction_base& tx,
                                               HandlerStats& stats, std::vector<CommittedRun>& runs) {
  const auto one_at_a_time = [&]() -> std::optional<std::string> {
    for (const Dispatch& dispatch : dispatches) {
      if (auto failed = RunInTransaction(dispatch, tx, stats, runs)) {
        return fmt::format("event {}: handler {}: {}", dispatch.event.id, failed->handler->name(), failed->error);
      }
    }
    return std::nullopt;
  };
  std::string batch;
  std::vector<HandlerSeries*> batched;
  try {
    for (const Dispatch& dispatch : dispatches) {
      for (Handler* handler : dispatch.in_transaction) {
        std::optional<std::string> statement = handler->StatementFor({dispatch.event, dispatch.fields, &tx});
        if (!statement) return one_at_a_time();
        batch += *statement;
        batch += ";\n";
        batched.push_back(&stats.For(handler->name()));
      }
    }
    if (batched.empty()) return std::nullopt;
    const auto started = std::chrono::steady_clock::now();
    tx.exec(batch);
    const auto share = (std::chrono::steady_clock::now() - started) / batched.size();
    for (HandlerSeries* series : batched) runs.push_back({series, share});
    return std::nullopt;
  } catch (const pqxx::sql_error& e) {
    return fmt::format("{} handler statements sent together failed ({}): {}", batched.size(), e.sqlstate(), e.what());
  } catch (const pqxx::argument_error& e) {
    return fmt::format("a handler statement could not be written: {}", e.what());
  }
}

void RunAfterCommit(const Dispatch& dispatch, HandlerStats& stats) {
  for (Handler* handler : dispatch.after_commit) {
    const auto [outcome, took] = TimedHandle(*handler, {dispatch.event, dispatch.fields, nullptr});
    const bool done = outcome.kind == HandlerOutcome::Kind::kDone;
    stats.For(handler->name()).Record(done ? RunResult::kDone : RunResult::kDead, took);
  }
}

}  // namespace webhookd
