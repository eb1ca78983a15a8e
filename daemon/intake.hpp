// The webhook intake decision: a pure function from request to verdict.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "core/http_message.hpp"
#include "core/result.hpp"
#include "core/secret.hpp"
#include "paypro/posted_event.hpp"

namespace webhookd {

struct IntakeSettings {
  std::string_view path;              ///< the webhook path, e.g. /webhooks/paypro
  std::span<const Secret> secrets;    ///< any of them may sign
  int64_t timestamp_tolerance_s = 600;
};

/// A call that passed every check: ready for the inbox.
struct AcceptedWebhook {
  PostedEvent event;
  std::string body;
};

/// Decides what to do with a request to the webhook listener, in this order:
/// path (404), method (405), repeated PayPro headers (400), timestamp syntax
/// (400), signature (401), timestamp freshness (401), body (400). Checking
/// the signature before parsing means unauthenticated bodies are never parsed.
/// Takes the request by value to move its body out.
Result<AcceptedWebhook> DecideIntake(ServerRequest request, const IntakeSettings& settings, int64_t now);

}  // namespace webhookd
