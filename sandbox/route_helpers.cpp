// Target splitting, query decoding, base URLs and JSON error answers.
#include "sandbox/route_helpers.hpp"

#include <charconv>

#include "core/http_status.hpp"
#include "core/json_writer.hpp"
#include "sandbox/base_template.hpp"

namespace webhookd::sandbox {

namespace {

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string PercentDecode(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '+') {
      out.push_back(' ');
    } else if (text[i] == '%' && i + 2 < text.size() && HexValue(text[i + 1]) >= 0 &&
               HexValue(text[i + 2]) >= 0) {
      out.push_back(static_cast<char>(HexValue(text[i + 1]) * 16 + HexValue(text[i + 2])));
      i += 2;
    } else {
      out.push_back(text[i]);
    }
  }
  return out;
}

}  // namespace

Target SplitTarget(std::string_view target) {
  const size_t mark = target.find('?');
  if (mark == std::string_view::npos) return Target{target, {}};
  return Target{target.substr(0, mark), target.substr(mark + 1)};
}

std::optional<std::string> QueryParam(std::string_view query, std::string_view name) {
  while (!query.empty()) {
    const size_t amp = query.find('&');
    const std::string_view pair = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
    const size_t eq = pair.find('=');
    if (pair.substr(0, eq) != name) continue;
    return eq == std::string_view::npos ? std::string() : PercentDecode(pair.substr(eq + 1));
  }
  return std::nullopt;
}

Result<int64_t> ParseBoundedInt(std::string_view text, int64_t low, int64_t high,
                                std::string_view what) {
  int64_t value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || error != std::errc() || end != text.data() + text.size() || value < low ||
      value > high) {
    return MakeError(ErrorCode::kBadRequest, std::string(what) + " must be a whole number from " +
                                                 std::to_string(low) + " to " +
                                                 std::to_string(high));
  }
  return value;
}

std::string RequestBase(const ServerRequest& request, std::string_view public_url) {
  if (!public_url.empty()) return EscapeBaseForJson(public_url);
  const std::string_view host = request.headers.Get("Host");
  return EscapeBaseForJson("http://" + std::string(host.empty() ? "localhost" : host));
}

ServerResponse JsonError(unsigned status, std::string_view message) {
  JsonWriter json;
  json.BeginObject();
  json.Key("error").BeginObject();
  json.Key("message").String(message).EndObject().EndObject();
  ServerResponse response;
  response.status = status;
  response.body = json.Take();
  return response;
}

ServerResponse JsonErrorFor(const Error& error) {
  return JsonError(HttpStatusFor(error.code), error.reason);
}

ServerResponse JsonOk(std::string body) {
  ServerResponse response;
  response.body = std::move(body);
  return response;
}

}  // namespace webhookd::sandbox
