// The `log` handler kind: one structured line per event.
#pragma once

#include "handlers/handler.hpp"

namespace webhookd {

/// Logs id, type, resource and, where the resource has them, amount and state.
class LogHandler final : public Handler {
 public:
  explicit LogHandler(HandlerSettings settings) : Handler(std::move(settings)) {}

  HandlerPhase phase() const override { return HandlerPhase::kAfterCommit; }
  HandlerOutcome Handle(const HandlerCall& call) override;
};

/// The line LogHandler writes (pure, for tests).
std::string FormatEventLine(std::string_view handler_name, const Event& event);

}  // namespace webhookd
