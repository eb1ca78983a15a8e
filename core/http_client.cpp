// Blocking HTTP/1.1 client on Beast: async operations with deadlines, run to
// completion on a private io_context.
#include "core/http_client.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <fmt/format.h>

#include <optional>

namespace webhookd {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
namespace ssl = net::ssl;
using tcp = net::ip::tcp;

struct HttpClient::Impl {
  Url base;
  HttpClientOptions options;
  std::string host_header;
  net::io_context ioc;
  ssl::context tls_context{ssl::context::tls_client};
  std::optional<beast::tcp_stream> plain;
  std::optional<beast::ssl_stream<beast::tcp_stream>> secure;
  beast::flat_buffer buffer;

  Impl(Url url, HttpClientOptions opts) : base(std::move(url)), options(std::move(opts)) {
    const bool default_port = (base.tls && base.port == "443") || (!base.tls && base.port == "80");
    const bool v6 = base.host.find(':') != std::string::npos;
    host_header = v6 ? "[" + base.host + "]" : base.host;
    if (!default_port) host_header += ":" + base.port;
    if (base.tls) {
      SSL_CTX_set_min_proto_version(tls_context.native_handle(), TLS1_2_VERSION);
      tls_context.set_default_verify_paths();
      if (!options.ca_file.empty()) tls_context.load_verify_file(options.ca_file);
      tls_context.set_verify_mode(options.verify_peer ? ssl::verify_peer : ssl::verify_none);
    }
  }

  bool connected() const { return plain.has_value() || secure.has_value(); }

  beast::tcp_stream& lowest() { return secure ? beast::get_lowest_layer(*secure) : *plain; }

  void Reset() {
    plain.reset();
    secure.reset();
    buffer.clear();
  }

  // Runs the queued asynchronous operations until they are all complete.
  void Run() {
    ioc.restart();
    ioc.run();
  }

  beast::error_code Connect() {
    beast::error_code ec;
    tcp::resolver resolver(ioc);
    const auto endpoints = resolver.resolve(base.host, base.port, ec);
    if (ec) return ec;
    beast::tcp_stream stream(ioc);
    stream.expires_after(options.connect_timeout);
    stream.async_connect(endpoints, [&](beast::error_code e, const tcp::endpoint&) { ec = e; });
    Run();
    if (ec) return ec;
    stream.socket().set_option(tcp::no_delay(true));
    if (!base.tls) {
      plain.emplace(std::move(stream));
      return {};
    }
    secure.emplace(std::move(stream), tls_context);
    if (!SSL_set_tlsext_host_name(secure->native_handle(), base.host.c_str())) {
      Reset();
      return beast::error_code(static_cast<int>(::ERR_get_error()), net::error::get_ssl_category());
    }
    if (options.verify_peer) secure->set_verify_callback(ssl::host_name_verification(base.host));
    beast::get_lowest_layer(*secure).expires_after(options.connect_timeout);
    secure->async_handshake(ssl::stream_base::client, [&](beast::error_code e) { ec = e; });
    Run();
    if (ec) Reset();
    return ec;
  }

  template <typename Stream>
  beast::error_code Exchange(Stream& stream, http::request<http::string_body>& message,
                             http::response_parser<http::string_body>& parser) {
    beast::error_code ec;
    lowest().expires_after(options.request_timeout);
    http::async_write(stream, message, [&](beast::error_code e, size_t) {
      ec = e;
      if (ec) return;
      http::async_read(stream, buffer, parser, [&](beast::error_code r, size_t) { ec = r; });
    });
    Run();
    return ec;
  }

  Result<ClientResponse> Send(const ClientRequest& request) {
    const http::verb verb = http::string_to_verb(request.method);
    if (verb == http::verb::unknown) {
      return MakeError(ErrorCode::kInternal, "bad method", "unknown HTTP method " + request.method);
    }
    for (int attempt = 0;; ++attempt) {
      const bool reused = connected();
      if (!reused) {
        if (const beast::error_code ec = Connect()) {
          const ErrorCode code = ec == beast::error::timeout ? ErrorCode::kTimeout : ErrorCode::kUnavailable;
          return MakeError(code, "connection failed",
                           fmt::format("connecting to {}: {}", base.ToString(), ec.message()));
        }
      }
      std::string target = base.base_path + request.target;
      if (target.empty()) target = "/";  // RFC 9112 section 3.2.1: an empty path is sent as "/"
      http::request<http::string_body> message{verb, target, 11};
      message.set(http::field::host, host_header);
      message.set(http::field::user_agent, options.user_agent);
      for (const HttpHeader& header : request.headers.list()) message.insert(header.name, header.value);
      message.body() = request.body;
      message.keep_alive(true);
      message.prepare_payload();

      http::response_parser<http::string_body> parser;
      parser.body_limit(options.max_response_bytes);
      const beast::error_code ec = secure ? Exchange(*secure, message, parser) : Exchange(*plain, message, parser);
      if (ec) {
        Reset();
        // A kept-alive connection may have been closed by the server while
        // idle; one fresh attempt tells that apart from a real failure.
        if (reused && attempt == 0 && ec != beast::error::timeout) continue;
        const ErrorCode code = ec == beast::error::timeout ? ErrorCode::kTimeout : ErrorCode::kUpstream;
        return MakeError(code, "request failed",
                         fmt::format("{} {}{}: {}", request.method, base.ToString(), request.target,
                                     ec.message()));
      }
      auto& answer = parser.get();
      ClientResponse response;
      response.status = answer.result_int();
      for (const auto& field : answer) {
        response.headers.Add(std::string(field.name_string()), std::string(field.value()));
      }
      response.body = std::move(answer.body());
      if (!answer.keep_alive()) Reset();
      return response;
    }
  }
};

HttpClient::HttpClient(Url base, HttpClientOptions options)
    : impl_(std::make_unique<Impl>(std::move(base), std::move(options))) {}

HttpClient::~HttpClient() = default;

Result<ClientResponse> HttpClient::Send(const ClientRequest& request) { return impl_->Send(request); }

void HttpClient::Close() { impl_->Reset(); }

const Url& HttpClient::base() const { return impl_->base; }

}  // namespace webhookd
