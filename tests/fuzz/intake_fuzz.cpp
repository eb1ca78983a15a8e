// libFuzzer target: a webhook request (request line, headers, body) through ClientAddressOf and DecideIntake.
//
// Input, text-friendly so seeds read like requests:
//   <mode byte>METHOD TARGET PEER\n
//   Name: value\n          (any number of header lines)
//   \n
//   body                   (everything after the first empty line)
// Mode bit 0: replace the first PayPro-Signature (or add one) with the correct
// signature of the body at the given PayPro-Timestamp under kTestSecret, so the
// fuzzer gets past the signature check it could never forge. Mode bit 1: only
// clients in kAllowFrom may call. Seeds use '0'..'3'.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/http_status.hpp"
#include "core/ip_network.hpp"
#include "daemon/client_address.hpp"
#include "daemon/intake.hpp"
#include "paypro/event_id.hpp"
#include "paypro/signature.hpp"
#include "tests/fuzz/fuzz_check.hpp"

namespace webhookd::fuzz {
namespace {

constexpr std::string_view kPath = "/webhooks/paypro";
constexpr int64_t kNow = 1'700'000'000;
constexpr int64_t kTolerance = 600;
constexpr std::string_view kTestSecret = "whsec_test";

struct FuzzSetup {
  std::vector<Secret> secrets{Secret("whsec_old"), Secret(std::string(kTestSecret))};
  std::vector<IpNetwork> trusted_proxies{IpNetwork::Parse("127.0.0.1/32").value(),
                                         IpNetwork::Parse("::1/128").value()};
  std::vector<IpNetwork> allow_from{IpNetwork::Parse("203.0.113.0/24").value(),
                                    IpNetwork::Parse("2001:db8::/32").value()};
};

const FuzzSetup& Setup() {
  static const FuzzSetup setup;
  return setup;
}

// Splits off the text up to the next '\n' (the whole rest when there is none).
std::string_view TakeLine(std::string_view& input) {
  const size_t end = input.find('\n');
  const std::string_view line = input.substr(0, end);
  input = end == std::string_view::npos ? std::string_view() : input.substr(end + 1);
  return line;
}

// Splits off the text up to the next space.
std::string_view TakeWord(std::string_view& line) {
  const size_t end = line.find(' ');
  const std::string_view word = line.substr(0, end);
  line = end == std::string_view::npos ? std::string_view() : line.substr(end + 1);
  return word;
}

// "Name: value" -> {Name, value}; a line without ':' is a name with an empty value.
HttpHeader HeaderOf(std::string_view line) {
  const size_t colon = line.find(':');
  if (colon == std::string_view::npos) return {std::string(line), ""};
  std::string_view value = line.substr(colon + 1);
  while (value.starts_with(' ')) value.remove_prefix(1);
  return {std::string(line.substr(0, colon)), std::string(value)};
}

void SignCorrectly(std::vector<HttpHeader>& headers, std::string_view body) {
  std::string_view timestamp;
  for (const HttpHeader& header : headers) {
    if (HeaderNameEquals(header.name, "PayPro-Timestamp")) {
      timestamp = header.value;
      break;
    }
  }
  std::string signature = ComputeWebhookSignature(Secret(std::string(kTestSecret)), timestamp, body);
  for (HttpHeader& header : headers) {
    if (HeaderNameEquals(header.name, "PayPro-Signature")) {
      header.value = std::move(signature);
      return;
    }
  }
  headers.push_back({"PayPro-Signature", std::move(signature)});
}

ServerRequest RequestOf(std::string_view input, bool sign) {
  ServerRequest request;
  std::string_view request_line = TakeLine(input);
  request.method = std::string(TakeWord(request_line));
  request.target = std::string(TakeWord(request_line));
  request.peer_address = std::string(request_line);
  std::vector<HttpHeader> headers;
  while (!input.empty()) {
    const std::string_view line = TakeLine(input);
    if (line.empty()) break;
    headers.push_back(HeaderOf(line));
  }
  request.body = std::string(input);
  if (sign) SignCorrectly(headers, request.body);
  for (HttpHeader& header : headers) request.headers.Add(std::move(header.name), std::move(header.value));
  return request;
}

bool SignedByOneOf(const std::vector<Secret>& secrets, const HttpHeaders& headers, std::string_view body) {
  const std::string_view timestamp = headers.Get("PayPro-Timestamp");
  const std::string_view signature = headers.Get("PayPro-Signature");
  return std::any_of(secrets.begin(), secrets.end(), [&](const Secret& secret) {
    return ComputeWebhookSignature(secret, timestamp, body) == signature;
  });
}

// What an accepted call must satisfy, checked independently of DecideIntake.
void CheckAccepted(const ServerRequest& request, const std::optional<IpAddress>& client, bool allow_list,
                   const AcceptedWebhook& accepted) {
  FuzzCheck(request.method == "POST", "accepted only POST");
  const std::string_view target = request.target;
  FuzzCheck(target.starts_with(kPath) && (target.size() == kPath.size() || target[kPath.size()] == '?'),
            "accepted only the webhook path");
  FuzzCheck(request.headers.Count("PayPro-Signature") == 1 && request.headers.Count("PayPro-Timestamp") == 1,
            "accepted exactly one signature and one timestamp");
  FuzzCheck(SignedByOneOf(Setup().secrets, request.headers, request.body), "accepted only signed bodies");
  const auto timestamp = ParseWebhookTimestamp(request.headers.Get("PayPro-Timestamp"));
  FuzzCheck(timestamp && *timestamp >= kNow - kTolerance && *timestamp <= kNow + kTolerance,
            "accepted only fresh timestamps");
  FuzzCheck(IsValidEventId(accepted.event.id), "accepted only valid event ids");
  FuzzCheck(accepted.body == request.body, "accepted body is the body received");
  if (allow_list) {
    FuzzCheck(client && InAnyNetwork(Setup().allow_from, *client), "accepted only allowed clients");
  }
}

}  // namespace
}  // namespace webhookd::fuzz

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace webhookd;
  using namespace webhookd::fuzz;
  if (size == 0) return 0;
  const uint8_t mode = data[0];
  const bool sign = (mode & 1) != 0;
  const bool allow_list = (mode & 2) != 0;
  const std::string_view input(reinterpret_cast<const char*>(data) + 1, size - 1);

  const ServerRequest request = RequestOf(input, sign);
  const FuzzSetup& setup = Setup();
  const std::optional<IpAddress> client = ClientAddressOf(request, setup.trusted_proxies);
  const std::string label = ClientLabel(request.peer_address, client);
  FuzzCheck(!label.empty() || request.peer_address.empty(), "a known peer has a label");
  const IntakeSettings settings{kPath, setup.secrets, kTolerance,
                                allow_list ? std::span<const IpNetwork>(setup.allow_from)
                                           : std::span<const IpNetwork>()};
  Result<AcceptedWebhook> verdict = DecideIntake(request, client, settings, kNow);
  if (verdict) {
    CheckAccepted(request, client, allow_list, *verdict);
  } else {
    const unsigned status = HttpStatusFor(verdict.error().code);
    FuzzCheck(status >= 400 && status < 500, "a refused call is the caller's fault (4xx)");
    FuzzCheck(ErrorResponse(verdict.error()).status == status, "the error response carries its status");
  }
  return 0;
}
