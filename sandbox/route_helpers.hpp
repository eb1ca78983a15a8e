// Small HTTP helpers shared by the API and control routes: targets, query
// parameters, the base URL of links, JSON answers.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "core/http_message.hpp"
#include "core/result.hpp"

namespace webhookd::sandbox {

/// A request target split at the '?'.
struct Target {
  std::string_view path;
  std::string_view query;  ///< without the '?'; "" when absent
};

Target SplitTarget(std::string_view target);

/// The percent-decoded value of the first `name` parameter in `query`
/// ("" for a bare `name`); nullopt when absent.
std::optional<std::string> QueryParam(std::string_view query, std::string_view name);

/// A whole decimal number in [low, high]; kBadRequest naming `what` otherwise.
Result<int64_t> ParseBoundedInt(std::string_view text, int64_t low, int64_t high,
                                std::string_view what);

/// The base URL of links in answers to `request`, escaped for JSON (see
/// base_template.hpp): `public_url` when set, else http:// and the Host header
/// ("localhost" when there is none).
std::string RequestBase(const ServerRequest& request, std::string_view public_url);

/// `{"error":{"message":"<message>"}}` with `status`.
ServerResponse JsonError(unsigned status, std::string_view message);

/// JsonError for `error`: its HTTP status (core/http_status.hpp) and reason.
ServerResponse JsonErrorFor(const Error& error);

/// `body` (already JSON) with status 200.
ServerResponse JsonOk(std::string body);

}  // namespace webhookd::sandbox
