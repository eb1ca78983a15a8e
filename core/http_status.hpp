// The one place where expected failures become HTTP answers.
#pragma once

#include "core/http_message.hpp"
#include "core/result.hpp"

namespace webhookd {

/// The HTTP status a client gets for `code`.
unsigned HttpStatusFor(ErrorCode code);

/// A short JSON error body, `{"error":"<reason>"}`, with `Retry-After` on 503
/// and 429. Only the public reason is shown, never the detail.
ServerResponse ErrorResponse(const Error& error);

/// `{"status":"<text>"}` with status 200.
ServerResponse OkResponse(std::string_view text);

/// Seconds a client is told to wait before retrying a 503.
inline constexpr int kRetryAfterSeconds = 5;

}  // namespace webhookd
