// Parsing of the two address forms in our config: URLs and host:port.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/result.hpp"

namespace webhookd {

/// An http or https URL split into what a client needs to connect.
struct Url {
  bool tls = false;
  std::string host;
  std::string port;       ///< always set: the scheme's default when absent
  std::string base_path;  ///< without a trailing slash; "" for the root

  /// The full URL text, for logs.
  std::string ToString() const;
};

/// Accepts `http://host[:port][/path]` and `https://...`; no user info, query
/// or fragment. IPv6 literals go in brackets.
Result<Url> ParseUrl(std::string_view text);

/// A listen address.
struct HostPort {
  std::string host;
  uint16_t port = 0;
  std::string ToString() const;
};

/// Accepts `host:port` and `[v6]:port`; port 0 asks the kernel for a free one.
Result<HostPort> ParseHostPort(std::string_view text);

}  // namespace webhookd
