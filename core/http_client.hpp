// A blocking HTTP/1.1 client with keep-alive and deadlines, for worker threads.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "core/http_message.hpp"
#include "core/result.hpp"
#include "core/url.hpp"

namespace webhookd {

struct HttpClientOptions {
  std::chrono::milliseconds connect_timeout{5000};
  std::chrono::milliseconds request_timeout{10000};  ///< write and read of one exchange
  std::string ca_file;       ///< extra trusted CA certificates for https (PEM)
  bool verify_peer = true;   ///< check the server's certificate and host name
  size_t max_response_bytes = 16 * 1024 * 1024;
  std::string user_agent = "paypro-webhookd";
};

/// One exchange of a batch, and how long it took from its first attempt on.
struct TimedResponse {
  bool sent = false;  ///< false: the batch was stopped before this request
  Result<ClientResponse> response;
  std::chrono::steady_clock::duration took{};
};

/// Told each answer of a batch as it arrives; false sends no more requests.
using ProceedAfter = std::function<bool(const Result<ClientResponse>&)>;

/// Keep-alive connections to one origin, reopened when needed. Calls block
/// the calling thread (never an Asio thread of the daemon): the client runs its
/// own io_context so every step has a deadline. Redirects are not followed.
/// Not thread-safe: give each worker its own client.
class HttpClient {
 public:
  HttpClient(Url base, HttpClientOptions options = {});
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  /// Sends one request and reads its response. Connection failures are
  /// kUnavailable, deadlines kTimeout, malformed answers kUpstream; any HTTP
  /// status, 5xx included, is a successful exchange.
  Result<ClientResponse> Send(const ClientRequest& request);

  /// Sends every request and reads every response, over up to `connections`
  /// keep-alive connections at once, each taking its share in turn: a batch
  /// costs about one round trip per connection's share instead of one per
  /// request. Results come in the order of `requests`, each as Send's.
  /// Requests not yet started when `proceed` says false are not sent.
  std::vector<TimedResponse> SendAll(const std::vector<ClientRequest>& requests, size_t connections,
                                     const ProceedAfter& proceed = {});

  /// Drops the connection (the next Send reconnects).
  void Close();

  const Url& base() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace webhookd
