// The `http` handler kind: POSTs the event, signed the Standard Webhooks way.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

#include "config/config.hpp"
#include "core/http_client.hpp"
#include "core/result.hpp"
#include "core/secret.hpp"
#include "core/url.hpp"
#include "handlers/handler.hpp"
#include "handlers/http_client_pool.hpp"

namespace webhookd {

/// The HMAC key a Standard Webhooks secret stands for: the base64-decoded
/// rest of a `whsec_` secret, any other secret's bytes as they are. kConfig
/// (never quoting the secret) when a `whsec_` secret is not valid base64 or
/// either form is empty.
Result<Secret> SigningKey(const Secret& configured);

/// The `webhook-signature` value: "v1," + base64 of
/// HMAC-SHA256(key, "<id>.<timestamp>.<body>") (standardwebhooks.com).
std::string SignStandardWebhook(const Secret& key, std::string_view id, int64_t timestamp,
                                std::string_view body);

/// The outcome of an answered request: 2xx done, 410 disable, anything else
/// retry (with Retry-After for 429 and 5xx). `what` names the request in the
/// error: "POST http://host/path".
HandlerOutcome OutcomeOfResponse(std::string_view what, const ClientResponse& response);

/// The outcome of a request that got no answer: always retry.
HandlerOutcome OutcomeOfFailure(std::string_view what, const Error& error,
                                std::chrono::milliseconds timeout);

/// The `http` kind (named apart from core/http_server.hpp's HttpHandler, the
/// server's request callback). POSTs `call.event.json` to the configured URL
/// over a pool of keep-alive connections. One attempt per call; the caller retries.
class HttpPostHandler final : public Handler {
 public:
  /// Throws std::invalid_argument when SigningKey rejects the secret: config
  /// validation must have called it first.
  HttpPostHandler(HandlerSettings settings, HttpHandlerSpec spec);

  HandlerPhase phase() const override { return HandlerPhase::kOutside; }
  HandlerOutcome Handle(const HandlerCall& call) override;

  /// Keep-alive clients waiting for the next call (for tests and stats).
  size_t idle_clients() const { return pool_.idle(); }

 private:
  const HttpHandlerSpec spec_;
  const Secret key_;
  const std::string what_;  ///< "POST <url>", for errors and logs
  HttpClientPool pool_;
};

}  // namespace webhookd
