// Export parsing, re-signing and request formatting for the load generator.
#include "bench/signed_delivery.hpp"

#include <fmt/format.h>
#include <simdjson.h>

#include "core/crypto.hpp"
#include "paypro/signature.hpp"

namespace webhookd::bench {

namespace {

Error Bad(std::string reason) { return MakeError(ErrorCode::kBadRequest, std::move(reason)); }

bool IsBlank(std::string_view text) {
  return text.find_first_not_of(" \t\r") == std::string_view::npos;
}

}  // namespace

Result<SignedDelivery> ParseDeliveryLine(std::string_view line) {
  simdjson::dom::parser parser;
  const simdjson::padded_string padded(line);
  simdjson::dom::object object;
  if (parser.parse(padded).get_object().get(object) != simdjson::SUCCESS) {
    return Bad("a delivery line must be a JSON object");
  }
  SignedDelivery delivery;
  for (auto [key, target] :
       {std::pair<std::string_view, std::string*>{"timestamp", &delivery.timestamp},
        {"signature", &delivery.signature},
        {"body", &delivery.body}}) {
    std::string_view value;
    if (object[key].get_string().get(value) != simdjson::SUCCESS) {
      return Bad(fmt::format("a delivery line needs the string field {}", key));
    }
    *target = value;
  }
  return delivery;
}

Result<std::vector<SignedDelivery>> ParseDeliveries(std::string_view text) {
  std::vector<SignedDelivery> deliveries;
  size_t line_number = 0;
  while (!text.empty()) {
    ++line_number;
    const size_t end = text.find('\n');
    const std::string_view line = text.substr(0, end);
    text.remove_prefix(end == std::string_view::npos ? text.size() : end + 1);
    if (IsBlank(line)) continue;
    auto delivery = ParseDeliveryLine(line);
    if (!delivery) return Bad(fmt::format("line {}: {}", line_number, delivery.error().reason));
    deliveries.push_back(std::move(*delivery));
  }
  return deliveries;
}

void Resign(SignedDelivery& delivery, Signing signing, const Secret& secret, int64_t timestamp) {
  if (signing == Signing::kAsExported) return;
  delivery.timestamp = std::to_string(timestamp);
  delivery.signature = signing == Signing::kPayPro
                           ? ComputeWebhookSignature(secret, delivery.timestamp, delivery.body)
                           : ToHex(HmacSha256(secret.Reveal(), delivery.body));
}

std::string FormatRequest(const SignedDelivery& delivery, const Url& url, bool connection_close) {
  const std::string_view path = url.base_path.empty() ? std::string_view("/") : url.base_path;
  const bool v6 = url.host.find(':') != std::string::npos;
  std::string request = fmt::format(
      "POST {} HTTP/1.1\r\nHost: {}{}{}:{}\r\nUser-Agent: paypro-loadgen\r\nContent-Type: "
      "application/json\r\n"
      "PayPro-Timestamp: {}\r\nPayPro-Signature: {}\r\nContent-Length: {}\r\n{}\r\n",
      path, v6 ? "[" : "", url.host, v6 ? "]" : "", url.port, delivery.timestamp,
      delivery.signature, delivery.body.size(), connection_close ? "Connection: close\r\n" : "");
  request += delivery.body;
  return request;
}

}  // namespace webhookd::bench
