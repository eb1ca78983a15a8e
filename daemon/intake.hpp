// The webhook intake decision: a pure function from request to verdict.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "core/http_message.hpp"
#include "core/ip_network.hpp"
#include "core/result.hpp"
#include "core/secret.hpp"
#include "paypro/posted_event.hpp"

namespace webhookd {

struct IntakeSettings {
  std::string_view path;              ///< the webhook path, e.g. /webhooks/paypro
  std::span<const Secret> secrets;    ///< any of them may sign
  int64_t timestamp_tolerance_s = 600;
  std::span<const IpNetwork> allow_from;  ///< clients that may call; empty: everyone
};

/// A call that passed every check: ready for the inbox.
struct AcceptedWebhook {
  PostedEvent event;
  std::string body;
};

/// Decides what to do with a request to the webhook listener from `client`
/// (see ClientAddressOf), in this order: client not in allow_from (403),
/// path (404), method (405), repeated PayPro headers (400), timestamp syntax
/// (400), signature (401), timestamp freshness (401), body (400). A refused
/// client learns nothing, not even which paths exist. Checking the signature
/// before parsing means unauthenticated bodies are never parsed. Takes the
/// request by value to move its body out.
Result<AcceptedWebhook> DecideIntake(ServerRequest request, const std::optional<IpAddress>& client,
                                     const IntakeSettings& settings, int64_t now);

}  // namespace webhookd
