// Webhook calls written out as raw HTTP/1.1 text, so that tests can bend any part of them.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace webhookd::testing {

/// The webhook path of the daemon the harness configures.
inline constexpr std::string_view kWebhookPath = "/webhooks/paypro";

/// `start_line`, each of `headers` on its line, a blank line, then `body`.
/// Adds Content-Length unless `headers` already frame the body (a
/// Content-Length or Transfer-Encoding header) or `frame` is false.
std::string RawRequest(std::string_view start_line, const std::vector<std::string>& headers,
                       std::string_view body, bool frame = true);

/// HMAC-SHA256 of `<stamp>.<body>` under `secret` (kWebhookSecret by default), lowercase hex.
std::string Sign(std::string_view stamp, std::string_view body, std::string_view secret = {});

/// Host, Content-Type and the two PayPro headers with these values.
std::vector<std::string> PayProHeaders(std::string_view stamp, std::string_view signature);

/// A correct POST of `body` to kWebhookPath, signed at `stamp`.
std::string SignedCall(std::string_view body, int64_t stamp);

/// A body in chunked transfer coding, `chunk_size` bytes a chunk.
std::string Chunked(std::string_view body, size_t chunk_size);

/// A small event object whose `id` member is `id_json` (any JSON text).
std::string EventWithId(std::string_view id_json);

}  // namespace webhookd::testing
