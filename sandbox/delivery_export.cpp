// Renders events as signed calls, one JSON line each.
#include "sandbox/delivery_export.hpp"

#include "core/json_writer.hpp"
#include "sandbox/base_template.hpp"
#include "sandbox/webhook_sender.hpp"

namespace webhookd::sandbox {

std::string ExportDeliveries(std::span<const StoredEvent* const> events,
                             std::string_view escaped_base, const Secret& secret,
                             int64_t timestamp) {
  std::string out;
  for (const StoredEvent* event : events) {
    // The same builder as real deliveries, so an exported call cannot drift
    // from what the sandbox would have posted.
    const ClientRequest request = BuildWebhookRequest(
        "", RenderWithBase(event->body_template, escaped_base), secret, timestamp);
    JsonWriter line;
    line.BeginObject();
    line.Key("timestamp").String(request.headers.Get("PayPro-Timestamp"));
    line.Key("signature").String(request.headers.Get("PayPro-Signature"));
    line.Key("body").String(request.body);
    line.EndObject();
    out += line.str();
    out += '\n';
  }
  return out;
}

}  // namespace webhookd::sandbox
