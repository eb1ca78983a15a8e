// The `mirror` handler kind: keeps typed copies of PayPro resources in PostgreSQL.
#pragma once

#include <string>
#include <vector>

#include "handlers/handler.hpp"

namespace webhookd {

/// Upserts the event's resource into its paypro_mirror_* table (see
/// handlers/mirror_tables.hpp), inside the transaction that marks the event
/// processed, so each event is applied exactly once. A row only moves forward:
/// an event older than the one the row holds (by created_at, then event id)
/// changes nothing, so late or out-of-order deliveries never roll state back.
/// Events of unknown resource kinds, or without a payload, are left alone.
class MirrorHandler final : public Handler {
 public:
  explicit MirrorHandler(HandlerSettings settings);

  HandlerPhase phase() const override { return HandlerPhase::kInTransaction; }
  /// Done when the row was written or was already newer; Retry with the
  /// database's error when the statement failed (e.g. a payload jsonb refuses,
  /// such as one holding \u0000). After a Retry the transaction is aborted:
  /// the caller must roll it back.
  HandlerOutcome Handle(const HandlerCall& call) override;

 private:
  std::vector<std::string> upserts_;  ///< one per AllMirrorTables() entry, same order
};

}  // namespace webhookd
