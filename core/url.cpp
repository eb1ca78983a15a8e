// URL and host:port parsing.
#include "core/url.hpp"

#include <charconv>

namespace webhookd {

namespace {

Result<uint16_t> ParsePort(std::string_view text) {
  unsigned value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || error != std::errc() || end != text.data() + text.size() || value > 65535) {
    return MakeError(ErrorCode::kConfig, "invalid port", "port must be a number from 0 to 65535");
  }
  return static_cast<uint16_t>(value);
}

// Splits "host:port" or "[v6]:port" at the port's colon.
Result<std::pair<std::string, std::string_view>> SplitHostPort(std::string_view text) {
  if (text.starts_with("[")) {
    const size_t close = text.find(']');
    if (close == std::string_view::npos || close + 1 >= text.size() || text[close + 1] != ':') {
      return MakeError(ErrorCode::kConfig, "invalid address", "expected [v6-address]:port");
    }
    return std::pair{std::string(text.substr(1, close - 1)), text.substr(close + 2)};
  }
  const size_t colon = text.rfind(':');
  if (colon == std::string_view::npos || colon == 0) {
    return MakeError(ErrorCode::kConfig, "invalid address", "expected host:port");
  }
  return std::pair{std::string(text.substr(0, colon)), text.substr(colon + 1)};
}

}  // namespace

std::string Url::ToString() const {
  const bool default_port = (tls && port == "443") || (!tls && port == "80");
  const bool v6 = host.find(':') != std::string::npos;
  std::string text = tls ? "https://" : "http://";
  text += v6 ? "[" + host + "]" : host;
  if (!default_port) text += ":" + port;
  return text + base_path;
}

Result<Url> ParseUrl(std::string_view text) {
  Url url;
  if (text.starts_with("https://")) {
    url.tls = true;
    text.remove_prefix(8);
  } else if (text.starts_with("http://")) {
    text.remove_prefix(7);
  } else {
    return MakeError(ErrorCode::kConfig, "invalid URL", "URL must start with http:// or https://");
  }
  if (text.find_first_of("?#@ ") != std::string_view::npos) {
    return MakeError(ErrorCode::kConfig, "invalid URL",
                     "URL must not contain user info, a query, a fragment or spaces");
  }
  const size_t slash = text.find('/');
  const std::string_view authority = text.substr(0, slash);
  if (slash != std::string_view::npos) {
    std::string_view path = text.substr(slash);
    while (path.ends_with("/")) path.remove_suffix(1);
    url.base_path = std::string(path);
  }
  if (authority.starts_with("[") && authority.find(']') == std::string_view::npos) {
    return MakeError(ErrorCode::kConfig, "invalid URL", "IPv6 address without its closing ]");
  }
  const bool has_port = authority.starts_with("[") ? authority.find("]:") != std::string_view::npos
                                                   : authority.find(':') != std::string_view::npos;
  if (has_port) {
    auto split = SplitHostPort(authority);
    if (!split) return split.take_error();
    auto port = ParsePort(split->second);
    if (!port || *port == 0) {
      return MakeError(ErrorCode::kConfig, "invalid URL", "URL port must be from 1 to 65535");
    }
    url.host = split->first;
    url.port = std::string(split->second);
  } else {
    url.host = authority.starts_with("[") && authority.ends_with("]")
                   ? std::string(authority.substr(1, authority.size() - 2))
                   : std::string(authority);
    url.port = url.tls ? "443" : "80";
  }
  if (url.host.empty()) return MakeError(ErrorCode::kConfig, "invalid URL", "URL has no host");
  return url;
}

std::string HostPort::ToString() const {
  const bool v6 = host.find(':') != std::string::npos;
  return (v6 ? "[" + host + "]" : host) + ":" + std::to_string(port);
}

Result<HostPort> ParseHostPort(std::string_view text) {
  auto split = SplitHostPort(text);
  if (!split) return split.take_error();
  auto port = ParsePort(split->second);
  if (!port) return port.take_error();
  if (split->first.empty()) return MakeError(ErrorCode::kConfig, "invalid address", "host is empty");
  return HostPort{split->first, *port};
}

}  // namespace webhookd
