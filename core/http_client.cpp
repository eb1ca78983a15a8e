// Blocking HTTP/1.1 client on Beast: async operations with deadlines, run to
// completion on a private io_context, over as many connections as a batch
// may use at once.
#include "core/http_client.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <fmt/format.h>

#include <algorithm>
#include <functional>
#include <optional>
#include <vector>

namespace webhookd {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
namespace ssl = net::ssl;
using tcp = net::ip::tcp;

struct HttpClient::Impl {
  // One keep-alive connection, opened when a call needs it.
  struct Connection {
    std::optional<beast::tcp_stream> plain;
    std::optional<beast::ssl_stream<beast::tcp_stream>> secure;
    beast::flat_buffer buffer;

    bool connected() const { return plain.has_value() || secure.has_value(); }

    beast::tcp_stream& lowest() { return secure ? beast::get_lowest_layer(*secure) : *plain; }

    void Reset() {
      plain.reset();
      secure.reset();
      buffer.clear();
    }
  };

  // One request on its way: written and read on one connection, with one
  // fresh attempt when a kept-alive connection turns out to be closed.
  struct Call {
    http::request<http::string_body> message;
    std::string description;  ///< "GET https://host/path", for errors
    std::unique_ptr<http::response_parser<http::string_body>> parser;
    Result<ClientResponse> result = MakeError(ErrorCode::kInternal, "not sent", "request not sent");
    std::chrono::steady_clock::time_point started;
    std::chrono::steady_clock::duration took{};
    bool sent = false;
    bool reused = false;
    int attempt = 0;
  };

  // The calls one connection makes, one after another.
  struct Lane {
    Connection* connection;
    std::vector<Call*> calls;
    size_t next = 0;
  };

  // What every lane of a batch shares.
  struct Batch {
    const ProceedAfter* proceed;
    bool stopped = false;
  };

  Url base;
  HttpClientOptions options;
  std::string host_header;
  net::io_context ioc;
  ssl::context tls_context{ssl::context::tls_client};
  std::vector<std::unique_ptr<Connection>> connections;
  Batch* batch_ = nullptr;  ///< the batch SendAll is running

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

  void Reset() {
    for (auto& connection : connections) connection->Reset();
  }

  // The handlers below run inside ioc.run() and must not throw: an exception
  // would leave the other connections' operations queued for the next batch.

  // Opens `connection`, then calls `done` with the outcome.
  void Connect(Connection& connection, std::function<void(beast::error_code)> done) {
    beast::error_code ec;
    tcp::resolver resolver(ioc);
    const auto endpoints = resolver.resolve(base.host, base.port, ec);
    if (ec) return done(ec);
    connection.plain.emplace(ioc);
    connection.plain->expires_after(options.connect_timeout);
    connection.plain->async_connect(endpoints, [this, &connection, done = std::move(done)](
                                                   beast::error_code e, const tcp::endpoint&) mutable {
      if (e) {
        connection.Reset();
        return done(e);
      }
      beast::error_code no_delay_failed;  // only latency is at stake; nothing here may throw
      connection.plain->socket().set_option(tcp::no_delay(true), no_delay_failed);
      if (!base.tls) return done({});
      connection.secure.emplace(std::move(*connection.plain), tls_context);
      connection.plain.reset();
      if (!SSL_set_tlsext_host_name(connection.secure->native_handle(), base.host.c_str())) {
        connection.Reset();
        return done(beast::error_code(static_cast<int>(::ERR_get_error()), net::error::get_ssl_category()));
      }
      if (options.verify_peer) connection.secure->set_verify_callback(ssl::host_name_verification(base.host));
      connection.lowest().expires_after(options.connect_timeout);
      connection.secure->async_handshake(ssl::stream_base::client,
                                         [&connection, done = std::move(done)](beast::error_code h) mutable {
                                           if (h) connection.Reset();
                                           done(h);
                                         });
    });
  }

  void Next(Lane& lane) {
    if (lane.next == lane.calls.size() || batch_->stopped) return;
    Call& call = *lane.calls[lane.next];
    call.sent = true;
    call.started = std::chrono::steady_clock::now();
    Attempt(lane, call);
  }

  void Attempt(Lane& lane, Call& call) {
    Connection& connection = *lane.connection;
    call.reused = connection.connected();
    if (call.reused) return Exchange(lane, call);
    Connect(connection, [this, &lane, &call](beast::error_code ec) {
      if (!ec) return Exchange(lane, call);
      const ErrorCode code = ec == beast::error::timeout ? ErrorCode::kTimeout : ErrorCode::kUnavailable;
      call.result =
          MakeError(code, "connection failed", fmt::format("connecting to {}: {}", base.ToString(), ec.message()));
      Done(lane);
    });
  }

  template <typename Stream>
  void WriteThenRead(Stream& stream, Lane& lane, Call& call) {
    http::async_write(stream, call.message, [this, &stream, &lane, &call](beast::error_code ec, size_t) {
      if (ec) return Answered(lane, call, ec);
      http::async_read(stream, lane.connection->buffer, *call.parser,
                       [this, &lane, &call](beast::error_code r, size_t) { Answered(lane, call, r); });
    });
  }

  void Exchange(Lane& lane, Call& call) {
    Connection& connection = *lane.connection;
    call.parser = std::make_unique<http::response_parser<http::string_body>>();
    call.parser->body_limit(options.max_response_bytes);
    connection.lowest().expires_after(options.request_timeout);
    if (connection.secure) return WriteThenRead(*connection.secure, lane, call);
    WriteThenRead(*connection.plain, lane, call);
  }

  void Answered(Lane& lane, Call& call, beast::error_code ec) {
    Connection& connection = *lane.connection;
    if (ec) {
      connection.Reset();
      // A kept-alive connection may have been closed by the server while
      // idle; one fresh attempt tells that apart from a real failure.
      if (call.reused && call.attempt == 0 && ec != beast::error::timeout) {
        ++call.attempt;
        return Attempt(lane, call);
      }
      const ErrorCode code = ec == beast::error::timeout ? ErrorCode::kTimeout : ErrorCode::kUpstream;
      call.result = MakeError(code, "request failed", fmt::format("{}: {}", call.description, ec.message()));
      return Done(lane);
    }
    auto& answer = call.parser->get();
    ClientResponse response;
    response.status = answer.result_int();
    for (const auto& field : answer) {
      response.headers.Add(std::string(field.name_string()), std::string(field.value()));
    }
    response.body = std::move(answer.body());
    if (!answer.keep_alive()) connection.Reset();
    call.result = std::move(response);
    Done(lane);
  }

  void Done(Lane& lane) {
    Call& call = *lane.calls[lane.next];
    call.took = std::chrono::steady_clock::now() - call.started;
    if (*batch_->proceed && !(*batch_->proceed)(call.result)) batch_->stopped = true;
    ++lane.next;
    Next(lane);
  }

  // A call ready to go, or one already failed (sent, with its error) when
  // the request cannot be sent.
  Call Prepare(const ClientRequest& request) {
    Call call;
    const http::verb verb = http::string_to_verb(request.method);
    if (verb == http::verb::unknown) {
      call.sent = true;
      call.result = MakeError(ErrorCode::kInternal, "bad method", "unknown HTTP method " + request.method);
      return call;
    }
    std::string target = base.base_path + request.target;
    if (target.empty()) target = "/";  // RFC 9112 section 3.2.1: an empty path is sent as "/"
    call.message = http::request<http::string_body>{verb, target, 11};
    call.message.set(http::field::host, host_header);
    call.message.set(http::field::user_agent, options.user_agent);
    for (const HttpHeader& header : request.headers.list()) call.message.insert(header.name, header.value);
    call.message.body() = request.body;
    call.message.keep_alive(true);
    call.message.prepare_payload();
    call.description = request.method + " " + base.ToString() + request.target;
    return call;
  }

  std::vector<TimedResponse> SendAll(const std::vector<ClientRequest>& requests, size_t max_connections,
                                     const ProceedAfter& proceed) {
    std::vector<Call> calls;
    calls.reserve(requests.size());
    for (const ClientRequest& request : requests) calls.push_back(Prepare(request));
    const size_t lane_count = std::clamp<size_t>(std::min(max_connections, requests.size()), 1, 1024);
    while (connections.size() < lane_count) connections.push_back(std::make_unique<Connection>());
    std::vector<Lane> lanes(lane_count);
    for (size_t i = 0; i < lane_count; ++i) lanes[i].connection = connections[i].get();
    for (size_t i = 0; i < calls.size(); ++i) {
      if (!calls[i].sent) lanes[i % lane_count].calls.push_back(&calls[i]);
    }
    Batch batch{&proceed};
    batch_ = &batch;
    for (Lane& lane : lanes) Next(lane);
    ioc.restart();
    ioc.run();
    batch_ = nullptr;
    std::vector<TimedResponse> results;
    results.reserve(calls.size());
    for (Call& call : calls) results.push_back({call.sent, std::move(call.result), call.took});
    return results;
  }
};

HttpClient::HttpClient(Url base, HttpClientOptions options)
    : impl_(std::make_unique<Impl>(std::move(base), std::move(options))) {}

HttpClient::~HttpClient() = default;

Result<ClientResponse> HttpClient::Send(const ClientRequest& request) {
  return std::move(impl_->SendAll({request}, 1, {}).front().response);
}

std::vector<TimedResponse> HttpClient::SendAll(const std::vector<ClientRequest>& requests, size_t connections,
                                               const ProceedAfter& proceed) {
  return impl_->SendAll(requests, connections, proceed);
}

void HttpClient::Close() { impl_->Reset(); }

const Url& HttpClient::base() const { return impl_->base; }

}  // namespace webhookd
