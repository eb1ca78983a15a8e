// Beast sessions for HttpServer: read with a deadline, call the handler, write.
#include "core/http_server.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <atomic>

#include "core/http_status.hpp"

namespace webhookd {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
namespace ssl = net::ssl;
using tcp = net::ip::tcp;

namespace {

// The one place that decides which errors are a normal end of a connection
// rather than something worth a log line.
bool IsNormalDisconnect(const beast::error_code& ec) {
  return ec == http::error::end_of_stream || ec == net::error::eof ||
         ec == net::error::operation_aborted || ec == net::error::connection_reset ||
         ec == net::error::broken_pipe || ec == beast::error::timeout ||
         // A peer that closes without close_notify: harmless for HTTP with
         // explicit lengths (see Beast's note on SSL short reads).
         ec == ssl::error::stream_truncated;
}

// RFC 9112 3.2: an HTTP/1.1 request names its host exactly once (an HTTP/1.0
// one at most once); a server answers any other 400. A proxy in front and the
// daemon must not disagree about which host a request was for.
bool HostIsWellFormed(const http::request<http::string_body>& message) {
  const size_t hosts = message.count(http::field::host);
  return hosts == 1 || (hosts == 0 && message.version() < 11);
}

// Parser failures that deserve an answer before the connection closes.
std::optional<Error> ParseFailure(const beast::error_code& ec) {
  if (ec == http::error::body_limit) {
    return MakeError(ErrorCode::kPayloadTooLarge, "body too large");
  }
  if (ec == http::error::header_limit) {
    return MakeError(ErrorCode::kHeadersTooLarge, "headers too large");
  }
  if (ec.category() == http::make_error_code(http::error::bad_method).category()) {
    return MakeError(ErrorCode::kBadRequest, "malformed request");
  }
  return std::nullopt;
}

}  // namespace

struct HttpServer::Shared {
  net::io_context& ioc;
  HttpServerOptions options;
  HttpHandler handler;
  tcp::acceptor acceptor;
  std::optional<ssl::context> tls_context;
  std::atomic<size_t> in_flight{0};
  std::atomic<bool> stopping{false};

  Shared(net::io_context& io, HttpServerOptions opts, HttpHandler h)
      : ioc(io), options(std::move(opts)), handler(std::move(h)), acceptor(net::make_strand(io)) {}
};

namespace {

template <typename Stream>
class Session : public std::enable_shared_from_this<Session<Stream>> {
 public:
  template <typename... StreamArgs>
  Session(std::shared_ptr<HttpServer::Shared> shared, std::string peer, StreamArgs&&... stream_args)
      : shared_(std::move(shared)), stream_(std::forward<StreamArgs>(stream_args)...), peer_(std::move(peer)) {}

  void Start() {
    if constexpr (std::is_same_v<Stream, beast::tcp_stream>) {
      DoRead();
    } else {
      beast::get_lowest_layer(stream_).expires_after(shared_->options.read_timeout);
      stream_.async_handshake(ssl::stream_base::server,
                              beast::bind_front_handler(&Session::OnHandshake, this->shared_from_this()));
    }
  }

 private:
  beast::tcp_stream& Lowest() { return beast::get_lowest_layer(stream_); }

  void OnHandshake(beast::error_code ec) {
    if (ec) return LogUnexpected("TLS handshake", ec);
    DoRead();
  }

  void DoRead() {
    parser_.emplace();
    parser_->body_limit(shared_->options.max_body_bytes);
    parser_->header_limit(static_cast<std::uint32_t>(shared_->options.max_header_bytes));
    Lowest().expires_after(shared_->options.read_timeout);
    http::async_read(stream_, buffer_, *parser_,
                     beast::bind_front_handler(&Session::OnRead, this->shared_from_this()));
  }

  void OnRead(beast::error_code ec, size_t) {
    // Beast reads a request whose Transfer-Encoding does not end in chunked
    // as bodiless, and its body as the next request. RFC 9112 6.3: its length
    // cannot be known, so answer 400 and close.
    if (!ec && parser_->get().count(http::field::transfer_encoding) > 0 && !parser_->get().chunked()) {
      ec = http::error::bad_transfer_encoding;
    }
    if (!ec && !HostIsWellFormed(parser_->get())) ec = http::error::bad_value;
    if (ec) {
      // First, because end_of_stream shares the parser's error category: a
      // client closing between requests is done, not sending a bad request.
      if (IsNormalDisconnect(ec)) return;
      if (auto failure = ParseFailure(ec)) {
        ServerResponse response = ErrorResponse(*failure);
        response.close = true;
        ++shared_->in_flight;
        return DoWrite(std::move(response), 11);
      }
      return LogUnexpected("read", ec);
    }
    auto& message = parser_->get();
    ServerRequest request;
    request.method = std::string(message.method_string());
    request.target = std::string(message.target());
    for (const auto& field : message) {
      request.headers.Add(std::string(field.name_string()), std::string(field.value()));
    }
    request.body = std::move(message.body());
    request.peer_address = peer_;
    keep_alive_ = message.keep_alive();
    const unsigned version = message.version();
    ++shared_->in_flight;
    auto self = this->shared_from_this();
    shared_->handler(std::move(request), [self, version](ServerResponse response) {
      net::post(self->stream_.get_executor(), [self, version, response = std::move(response)]() mutable {
        self->DoWrite(std::move(response), version);
      });
    });
  }

  void DoWrite(ServerResponse answer, unsigned version) {
    response_.emplace(static_cast<http::status>(answer.status), version);
    response_->set(http::field::server, "paypro-webhookd");
    response_->set(http::field::content_type, answer.content_type);
    for (const HttpHeader& header : answer.headers.list()) response_->set(header.name, header.value);
    response_->body() = std::move(answer.body);
    response_->keep_alive(keep_alive_ && !answer.close && !shared_->stopping);
    response_->prepare_payload();
    Lowest().expires_after(shared_->options.write_timeout);
    http::async_write(stream_, *response_,
                      beast::bind_front_handler(&Session::OnWrite, this->shared_from_this()));
  }

  void OnWrite(beast::error_code ec, size_t) {
    --shared_->in_flight;
    if (ec) {
      if (!IsNormalDisconnect(ec)) LogUnexpected("write", ec);
      return;
    }
    if (!response_->keep_alive()) return DoClose();
    response_.reset();
    DoRead();
  }

  void DoClose() {
    if constexpr (std::is_same_v<Stream, beast::tcp_stream>) {
      beast::error_code ignored;
      stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
    } else {
      Lowest().expires_after(shared_->options.write_timeout);
      stream_.async_shutdown([self = this->shared_from_this()](beast::error_code) {});
    }
  }

  void LogUnexpected(std::string_view step, const beast::error_code& ec) {
    if (IsNormalDisconnect(ec)) return;
    spdlog::debug("connection from {}: {} failed: {}", peer_, step, ec.message());
  }

  std::shared_ptr<HttpServer::Shared> shared_;
  Stream stream_;
  std::string peer_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  std::optional<http::response<http::string_body>> response_;
  bool keep_alive_ = false;
};

// Where a new connection's handlers run: in order, on any thread of the io_context.
net::any_io_executor SessionExecutor(HttpServer::Shared& shared) {
  if (shared.options.one_io_thread) return shared.ioc.get_executor();
  return net::make_strand(shared.ioc);
}

void DoAccept(std::shared_ptr<HttpServer::Shared> shared) {
  shared->acceptor.async_accept(SessionExecutor(*shared), [shared](beast::error_code ec, tcp::socket socket) {
    if (ec == net::error::operation_aborted || shared->stopping) return;
    if (!ec) {
      beast::error_code ignored;
      const auto remote = socket.remote_endpoint(ignored);
      std::string peer = ignored ? std::string() : remote.address().to_string();
      if (shared->tls_context) {
        std::make_shared<Session<beast::ssl_stream<beast::tcp_stream>>>(
            shared, std::move(peer), std::move(socket), *shared->tls_context)
            ->Start();
      } else {
        std::make_shared<Session<beast::tcp_stream>>(shared, std::move(peer), std::move(socket))->Start();
      }
    } else {
      // Typically EMFILE: keep the daemon alive and keep accepting.
      spdlog::warn("accept failed: {}", ec.message());
    }
    DoAccept(shared);
  });
}

}  // namespace

HttpServer::HttpServer(net::io_context& ioc, HttpServerOptions options, HttpHandler handler)
    : shared_(std::make_shared<Shared>(ioc, std::move(options), std::move(handler))) {}

HttpServer::~HttpServer() { StopAccepting(); }

Status HttpServer::Start() {
  const HostPort& listen = shared_->options.listen;
  if (const auto& tls = shared_->options.tls) {
    try {
      auto& context = shared_->tls_context.emplace(ssl::context::tls_server);
      SSL_CTX_set_min_proto_version(context.native_handle(), TLS1_2_VERSION);
      context.set_options(ssl::context::default_workarounds | ssl::context::no_compression);
      context.use_certificate_chain_file(tls->cert_file);
      context.use_private_key_file(tls->key_file, ssl::context::pem);
    } catch (const boost::system::system_error& e) {
      return MakeError(ErrorCode::kConfig, "TLS setup failed",
                       fmt::format("loading {} / {}: {}", tls->cert_file, tls->key_file, e.what()));
    }
  }
  beast::error_code ec;
  const auto address = net::ip::make_address(listen.host == "localhost" ? "127.0.0.1" : listen.host, ec);
  if (ec) {
    return MakeError(ErrorCode::kConfig, "bad listen address",
                     fmt::format("{} is not an IP address", listen.host));
  }
  const tcp::endpoint endpoint(address, listen.port);
  auto& acceptor = shared_->acceptor;
  acceptor.open(endpoint.protocol(), ec);
  if (!ec) acceptor.set_option(net::socket_base::reuse_address(true), ec);
  if (!ec) acceptor.bind(endpoint, ec);
  if (!ec) acceptor.listen(net::socket_base::max_listen_connections, ec);
  if (ec) {
    return MakeError(ErrorCode::kConfig, "cannot listen",
                     fmt::format("listening on {}: {}", listen.ToString(), ec.message()));
  }
  DoAccept(shared_);
  return Ok{};
}

uint16_t HttpServer::port() const {
  beast::error_code ec;
  return shared_->acceptor.local_endpoint(ec).port();
}

void HttpServer::StopAccepting() {
  if (shared_->stopping.exchange(true)) return;
  net::post(shared_->acceptor.get_executor(), [shared = shared_] {
    beast::error_code ignored;
    shared->acceptor.close(ignored);
  });
}

size_t HttpServer::requests_in_flight() const { return shared_->in_flight; }

}  // namespace webhookd
