// `:path` placeholders in an operator's SQL statement, rewritten as $1..$n parameters.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/result.hpp"

namespace webhookd {

/// A statement ready for a parameterised query, and the event field each
/// parameter takes: `paths[0]` is bound to `$1`.
struct SqlPlaceholders {
  std::string statement;
  std::vector<std::string> paths;
};

/// Replaces each `:path` (a colon, then a field path starting with a letter:
/// `:payload.metadata.order_id`) by `$n`, numbering paths in order of first use
/// so a repeated path reuses its number. Left alone: `::` casts
/// (`now()::date`), and anything inside '...' and E'...' literals, "..."
/// identifiers, $tag$...$tag$ strings and comments. kConfig errors, with a
/// detail fit for one config key and never quoting the statement: an
/// unterminated literal or comment, `$1` written by hand, and more than one
/// statement (a trailing `;` is fine).
Result<SqlPlaceholders> ExtractSqlPlaceholders(std::string_view sql);

}  // namespace webhookd
