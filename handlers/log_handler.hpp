// The `log` handler kind: one structured line per event.
#pragma once

#include "handlers/handler.hpp"

namespace webhookd {

/// Logs id, type, resource and, where the resource has them, amount and state.
class LogHandler final : public Handler {
 public:
  explicit LogHandler(std::string name) : name_(std::move(name)) {}

  const std::string& name() const override { return name_; }
  HandlerPhase phase() const override { return HandlerPhase::kAfterCommit; }
  Status Handle(const Event& event, pqxx::transaction_base* tx) override;

 private:
  std::string name_;
};

/// The line LogHandler writes (pure, for tests).
std::string FormatEventLine(std::string_view handler_name, const Event& event);

}  // namespace webhookd
