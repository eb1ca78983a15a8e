// Standard Webhooks signing and the mapping of HTTP answers to handler outcomes.
#include "handlers/http_handler.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <stdexcept>

#include "core/crypto.hpp"

namespace webhookd {

namespace {

constexpr std::string_view kSecretPrefix = "whsec_";
constexpr size_t kBodyExcerptBytes = 200;

// The start of a response body, on one line, for an error message: targets
// often say in it why they refused.
std::string BodyExcerpt(std::string_view body) {
  std::string excerpt;
  for (char c : body.substr(0, kBodyExcerptBytes)) {
    excerpt.push_back(static_cast<unsigned char>(c) < 0x20 || c == 0x7f ? ' ' : c);
  }
  if (body.size() > kBodyExcerptBytes) excerpt += "...";
  return excerpt;
}

std::string Answered(std::string_view what, const ClientResponse& response) {
  std::string text = fmt::format("{} answered {}", what, response.status);
  if (!response.body.empty()) text += ": " + BodyExcerpt(response.body);
  return text;
}

HttpClientOptions ClientOptions(std::chrono::milliseconds timeout) {
  HttpClientOptions options;
  options.connect_timeout = timeout;
  options.request_timeout = timeout;
  // Only the status matters; a huge body is the target's mistake, not a reason to buffer it.
  options.max_response_bytes = 1024 * 1024;
  return options;
}

Secret KeyOrThrow(const Secret& configured) {
  Result<Secret> key = SigningKey(configured);
  if (!key.ok()) throw std::invalid_argument(key.error().detail);
  return std::move(key).value();
}

}  // namespace

Result<Secret> SigningKey(const Secret& configured) {
  const std::string_view text = configured.Reveal();
  if (!text.starts_with(kSecretPrefix)) {
    if (text.empty())
      return MakeError(ErrorCode::kConfig, "empty secret", "the webhook secret is empty");
    return Secret(std::string(text));
  }
  std::optional<std::string> key = Base64Decode(text.substr(kSecretPrefix.size()));
  if (!key) {
    return MakeError(ErrorCode::kConfig, "bad secret",
                     "a secret starting with whsec_ must continue in standard base64");
  }
  if (key->empty())
    return MakeError(ErrorCode::kConfig, "empty secret", "the whsec_ secret has no key bytes");
  return Secret(std::move(*key));
}

std::string SignStandardWebhook(const Secret& key, std::string_view id, int64_t timestamp,
                                std::string_view body) {
  const std::string content = fmt::format("{}.{}.{}", id, timestamp, body);
  return "v1," + Base64Encode(HmacSha256(key.Reveal(), content));
}

HandlerOutcome OutcomeOfResponse(std::string_view what, const ClientResponse& response) {
  const unsigned status = response.status;
  if (status >= 200 && status < 300) return HandlerOutcome::Done();
  if (status == 410) {
    return {HandlerOutcome::Kind::kDisable,
            fmt::format("{} answered 410 Gone: handler disabled until reload", what), std::nullopt};
  }
  // Retry-After is the target's word on when to come back from overload; on
  // other answers it has no agreed meaning, so the caller's backoff rules.
  if (status == 429 || status >= 500)
    return HandlerOutcome::Retry(Answered(what, response), response.RetryAfter());
  if (status >= 300 && status < 400) {
    return HandlerOutcome::Retry(Answered(what, response) + " (redirects are not followed)");
  }
  return HandlerOutcome::Retry(Answered(what, response));
}

HandlerOutcome OutcomeOfFailure(std::string_view what, const Error& error,
                                std::chrono::milliseconds timeout) {
  if (error.code == ErrorCode::kTimeout) {
    return HandlerOutcome::Retry(
        fmt::format("{} timed out after {} ms: {}", what, timeout.count(), error.detail));
  }
  return HandlerOutcome::Retry(fmt::format("{} failed: {}", what, error.detail));
}

HttpPostHandler::HttpPostHandler(HandlerSettings settings, HttpHandlerSpec spec)
    : Handler(std::move(settings)),
      spec_(std::move(spec)),
      key_(KeyOrThrow(spec_.secret)),
      what_("POST " + spec_.url.ToString()),
      pool_(spec_.url, ClientOptions(spec_.timeout)) {}

HandlerOutcome HttpPostHandler::Handle(const HandlerCall& call) {
  const int64_t timestamp = std::chrono::duration_cast<std::chrono::seconds>(
                                std::chrono::system_clock::now().time_since_epoch())
                                .count();
  ClientRequest request;
  request.method = "POST";
  request.headers.Add("Content-Type", "application/json");
  request.headers.Add("webhook-id", call.event.id);
  request.headers.Add("webhook-timestamp", std::to_string(timestamp));
  request.headers.Add("webhook-signature",
                      SignStandardWebhook(key_, call.event.id, timestamp, call.event.json));
  request.body = call.event.json;

  HttpClientPool::Lease client = pool_.Take();
  const Result<ClientResponse> response = client->Send(request);
  const HandlerOutcome outcome = response.ok()
                                     ? OutcomeOfResponse(what_, *response)
                                     : OutcomeOfFailure(what_, response.error(), spec_.timeout);
  if (outcome.kind == HandlerOutcome::Kind::kDone) {
    spdlog::debug("handler={} event={} {} answered {}", name(), call.event.id, what_,
                  response->status);
  }
  return outcome;
}

}  // namespace webhookd
