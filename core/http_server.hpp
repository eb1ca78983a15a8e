// An HTTP/1.1 server (plain or TLS) that moves bytes and calls one handler.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "core/http_message.hpp"
#include "core/result.hpp"
#include "core/url.hpp"

namespace boost::asio {
class io_context;
}

namespace webhookd {

struct TlsFiles {
  std::string cert_file;  ///< PEM certificate chain
  std::string key_file;   ///< PEM private key
};

struct HttpServerOptions {
  HostPort listen;
  std::optional<TlsFiles> tls;      ///< when set, the listener speaks HTTPS (TLS 1.2+)
  size_t max_body_bytes = 65536;    ///< larger bodies get 413 before they are read
  size_t max_header_bytes = 16384;  ///< larger header blocks get 431
  std::chrono::milliseconds read_timeout{10000};  ///< one deadline for a whole request
  std::chrono::milliseconds write_timeout{10000};
  /// The io_context is run by one thread only: a connection's handlers cannot
  /// run at once, so they need no strand (whose queue and type-erased
  /// executor copies cost a few percent of the I/O thread per request).
  bool one_io_thread = false;
};

/// Sends the response; may be called from any thread, exactly once.
using Responder = std::function<void(ServerResponse)>;
/// Handles one request. It may answer later, from another thread.
using HttpHandler = std::function<void(ServerRequest, Responder)>;

/// Accepts connections on an io_context the caller runs. Requests on one
/// connection are answered in order (pipelined requests wait their turn).
class HttpServer {
 public:
  HttpServer(boost::asio::io_context& ioc, HttpServerOptions options, HttpHandler handler);
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  /// Binds and starts accepting. Fails with a readable message when the
  /// address is taken or the TLS files cannot be loaded.
  Status Start();
  /// The bound port (useful when listening on port 0).
  uint16_t port() const;
  /// Stops accepting; open connections finish their current request and close.
  void StopAccepting();
  /// Requests read but not yet answered.
  size_t requests_in_flight() const;

 /// State shared with the connections, which may outlive the server object.
  struct Shared;

 private:
  std::shared_ptr<Shared> shared_;
};

}  // namespace webhookd
