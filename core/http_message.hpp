// Plain HTTP request and response values, so that only core/http_*.cpp see Beast.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace webhookd {

struct HttpHeader {
  std::string name;
  std::string value;
};

/// Header lists keep duplicates: a request that repeats a header it should
/// carry once is something the caller must be able to see and refuse.
class HttpHeaders {
 public:
  void Add(std::string name, std::string value) { list_.push_back({std::move(name), std::move(value)}); }
  /// The first value of `name` (case-insensitive), or "" when absent.
  std::string_view Get(std::string_view name) const;
  /// How many times `name` occurs (case-insensitive).
  size_t Count(std::string_view name) const;
  const std::vector<HttpHeader>& list() const { return list_; }

 private:
  std::vector<HttpHeader> list_;
};

/// A request as a server handler sees it.
struct ServerRequest {
  std::string method;
  std::string target;
  HttpHeaders headers;
  std::string body;
  std::string peer_address;  ///< the direct peer, without port
};

/// What a server handler answers.
struct ServerResponse {
  unsigned status = 200;
  std::string body;
  std::string content_type = "application/json";
  HttpHeaders headers;
  bool close = false;  ///< close the connection after this response
};

/// A client's request; `target` is appended to the client's base path.
struct ClientRequest {
  std::string method = "GET";
  std::string target;
  HttpHeaders headers;
  std::string body;
};

/// A response as a client sees it.
struct ClientResponse {
  unsigned status = 0;
  HttpHeaders headers;
  std::string body;

  /// `Retry-After` given in seconds, when present and well formed.
  std::optional<std::chrono::seconds> RetryAfter() const;
};

/// Case-insensitive ASCII comparison of header names.
bool HeaderNameEquals(std::string_view a, std::string_view b);

}  // namespace webhookd
