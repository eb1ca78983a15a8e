// Raw webhook calls for hostile-input tests.
#include "tests/support/raw_requests.hpp"

#include <fmt/format.h>

#include "core/secret.hpp"
#include "paypro/signature.hpp"
#include "tests/support/harness.hpp"

namespace webhookd::testing {

namespace {

bool Frames(std::string_view header) {
  const std::string_view name = header.substr(0, header.find(':'));
  return HeaderNameEquals(name, "Content-Length") || HeaderNameEquals(name, "Transfer-Encoding");
}

}  // namespace

std::string RawRequest(std::string_view start_line, const std::vector<std::string>& headers,
                       std::string_view body, bool frame) {
  std::string text = fmt::format("{}\r\n", start_line);
  bool framed = !frame;
  for (const std::string& header : headers) {
    text += fmt::format("{}\r\n", header);
    framed = framed || Frames(header);
  }
  if (!framed) text += fmt::format("Content-Length: {}\r\n", body.size());
  text += "\r\n";
  text += body;
  return text;
}

std::string Sign(std::string_view stamp, std::string_view body, std::string_view secret) {
  return ComputeWebhookSignature(Secret(std::string(secret.empty() ? kWebhookSecret : secret)),
                                 stamp, body);
}

std::vector<std::string> PayProHeaders(std::string_view stamp, std::string_view signature) {
  return {"Host: 127.0.0.1", "Content-Type: application/json",
          fmt::format("PayPro-Timestamp: {}", stamp),
          fmt::format("PayPro-Signature: {}", signature)};
}

std::string SignedCall(std::string_view body, int64_t stamp) {
  const std::string stamp_text = std::to_string(stamp);
  return RawRequest(fmt::format("POST {} HTTP/1.1", kWebhookPath),
                    PayProHeaders(stamp_text, Sign(stamp_text, body)), body);
}

std::string Chunked(std::string_view body, size_t chunk_size) {
  std::string text;
  for (size_t at = 0; at < body.size(); at += chunk_size) {
    const std::string_view chunk = body.substr(at, chunk_size);
    text += fmt::format("{:x}\r\n{}\r\n", chunk.size(), chunk);
  }
  return text + "0\r\n\r\n";
}

std::string EventWithId(std::string_view id_json) {
  return fmt::format(
      R"({{"id":{},"type":"event","event_type":"payment.paid","payload":{{"id":"PPHOSTILE1","type":"payment"}}}})",
      id_json);
}

}  // namespace webhookd::testing
