// The `notify` handler kind: pg_notify in the processing transaction.
#pragma once

#include "handlers/handler.hpp"

namespace webhookd {

/// Sends `{"id","type","resource_type","resource_id"}` on a channel with
/// pg_notify, inside the transaction that records the event's progress:
/// PostgreSQL delivers notifications only on commit, so listeners hear
/// about committed events only, once.
class NotifyHandler final : public Handler {
 public:
  NotifyHandler(HandlerSettings settings, NotifyHandlerSpec spec)
      : Handler(std::move(settings)), spec_(std::move(spec)) {}

  HandlerPhase phase() const override { return HandlerPhase::kInTransaction; }
  HandlerOutcome Handle(const HandlerCall& call) override;
  /// The same pg_notify, with channel and payload as quoted literals.
  std::optional<std::string> StatementFor(const HandlerCall& call) override;

 private:
  NotifyHandlerSpec spec_;
};

/// The notification payload (pure, for tests).
std::string NotificationPayload(const Event& event);

}  // namespace webhookd
