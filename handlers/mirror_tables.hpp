// Which table and columns the `mirror` handler writes for each resource kind.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "handlers/resource.hpp"

namespace webhookd {

/// Typed column values as SQL text, in the order of MirrorTable::columns;
/// nullopt is NULL.
using MirrorValues = std::vector<std::optional<std::string>>;

/// One mirror table (schema in storage/mirror_schema.hpp). Besides `id` and
/// `columns` every table has `resource` (the payload as jsonb) and the row's
/// version: `last_event_id`, `last_event_type`, `last_event_at`.
struct MirrorTable {
  ResourceKind kind;
  std::string_view name;                  ///< "paypro_mirror_payments"
  std::vector<std::string_view> columns;  ///< typed columns, named after the payload keys
  /// The values of `columns` from a resource of `kind`. Timestamps that are
  /// not RFC 3339 become NULL (the jsonb still holds them as sent) so that one
  /// odd field cannot block the event forever.
  MirrorValues (*values)(const Resource& resource);
};

/// The ten tables, one per known resource kind.
std::span<const MirrorTable> AllMirrorTables();

/// The table for `kind`; nullptr for kUnknown.
const MirrorTable* FindMirrorTable(ResourceKind kind);

/// The upsert for `table`. Parameters: $1 id, then `columns` in order, then
/// the payload JSON, the event id, type and created_at. It writes a row only
/// when the event is newer than the row's version: a later `last_event_at`,
/// or the same instant and a greater event id (compared bytewise, COLLATE "C",
/// so every database orders them alike). The tie-break makes the final row
/// the same whatever order two same-instant events arrive in, and makes a
/// redelivered event change nothing.
std::string BuildMirrorUpsert(const MirrorTable& table);

}  // namespace webhookd
