// Header look-ups on plain HTTP values.
#include "core/http_message.hpp"

#include <charconv>

namespace webhookd {

bool HeaderNameEquals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    const auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c; };
    if (lower(a[i]) != lower(b[i])) return false;
  }
  return true;
}

std::string_view HttpHeaders::Get(std::string_view name) const {
  for (const HttpHeader& header : list_) {
    if (HeaderNameEquals(header.name, name)) return header.value;
  }
  return {};
}

size_t HttpHeaders::Count(std::string_view name) const {
  size_t count = 0;
  for (const HttpHeader& header : list_) count += HeaderNameEquals(header.name, name) ? 1 : 0;
  return count;
}

std::optional<std::chrono::seconds> ClientResponse::RetryAfter() const {
  const std::string_view text = headers.Get("Retry-After");
  long seconds = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), seconds);
  if (text.empty() || error != std::errc() || end != text.data() + text.size() || seconds < 0) {
    return std::nullopt;
  }
  return std::chrono::seconds(seconds);
}

}  // namespace webhookd
