// Applying one event to the mirror tables with a single versioned upsert.
#include "handlers/mirror_handler.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <pqxx/pqxx>
#include <stdexcept>

#include "handlers/mirror_tables.hpp"
#include "handlers/rfc3339.hpp"

namespace webhookd {

MirrorHandler::MirrorHandler(HandlerSettings settings) : Handler(std::move(settings)) {
  for (const MirrorTable& table : AllMirrorTables()) upserts_.push_back(BuildMirrorUpsert(table));
}

HandlerOutcome MirrorHandler::Handle(const HandlerCall& call) {
  const Event& event = call.event;
  const MirrorTable* table = FindMirrorTable(KindOf(event.resource));
  if (table == nullptr) {
    spdlog::debug("handler={} event={} resource type '{}' is not mirrored", name(), event.id,
                  event.resource_type);
    return HandlerOutcome::Done();
  }
  if (call.tx == nullptr) throw std::logic_error("mirror handler called without a transaction");

  // The event and its fields come from the same JSON, so a typed resource
  // implies a payload object; the check only keeps a bug from becoming a crash.
  const std::optional<FieldValue> payload = call.fields.Get("payload");
  if (!payload || payload->kind != FieldValue::Kind::kObject) {
    return HandlerOutcome::Retry(
        fmt::format("event {} has a {} but no payload object", event.id, event.resource_type));
  }
  // The verifier already stored created_at as a timestamptz, so this only
  // fails for an event that skipped verification.
  const Result<int64_t> event_at = ParseRfc3339(event.created_at);
  if (!event_at) {
    return HandlerOutcome::Retry(
        fmt::format("event {} created_at '{}' is not RFC 3339", event.id, event.created_at));
  }

  MirrorValues params{std::string(ResourceId(event.resource))};
  MirrorValues values = table->values(event.resource);
  if (values.size() != table->columns.size()) {
    throw std::logic_error(fmt::format("{}: {} values for {} columns", table->name, values.size(),
                                       table->columns.size()));
  }
  params.insert(params.end(), std::make_move_iterator(values.begin()),
                std::make_move_iterator(values.end()));
  params.insert(params.end(), {payload->text, event.id, event.type_name, FormatRfc3339(*event_at)});

  const std::string& upsert = upserts_[static_cast<size_t>(table - AllMirrorTables().data())];
  try {
    const pqxx::result result =
        call.tx->exec_params(upsert, pqxx::prepare::make_dynamic_params(params));
    if (result.affected_rows() == 0) {
      spdlog::debug("handler={} event={} {} {} already holds a newer event", name(), event.id,
                    table->name, params.front().value_or(""));
    }
  } catch (const pqxx::failure& e) {
    // sql_error (jsonb refusing the payload, a serialization failure) and a
    // lost connection alike: the caller rolls back and retries the event.
    return HandlerOutcome::Retry(fmt::format("mirroring into {}: {}", table->name, e.what()));
  }
  return HandlerOutcome::Done();
}

}  // namespace webhookd
