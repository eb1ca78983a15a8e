// The test receiver for http handlers.
#include "tests/support/webhook_receiver.hpp"

#include <boost/asio/io_context.hpp>
#include <fmt/format.h>

#include "core/crypto.hpp"
#include "core/http_server.hpp"
#include "tests/support/harness.hpp"

namespace webhookd::testing {

WebhookReceiver::WebhookReceiver(std::string secret) : secret_(std::move(secret)) {}

WebhookReceiver::~WebhookReceiver() { Down(); }

bool WebhookReceiver::Up() {
  if (server_) return true;
  ioc_ = std::make_unique<boost::asio::io_context>();
  HttpServerOptions options;
  options.listen = HostPort{"127.0.0.1", port_};
  server_ = std::make_unique<HttpServer>(*ioc_, options, [this](ServerRequest request, Responder respond) {
    ServerResponse response;
    const std::string id(request.headers.Get("webhook-id"));
    const std::string stamp(request.headers.Get("webhook-timestamp"));
    const std::string expected = "v1," + Base64Encode(HmacSha256(secret_, id + "." + stamp + "." + request.body));
    if (request.headers.Get("webhook-signature") != expected || JsonString(request.body, "id") != id) {
      ++bad_signatures_;
      response.status = 400;
    } else {
      std::lock_guard lock(mutex_);
      ++accepted_[id];
    }
    respond(std::move(response));
  });
  if (!server_->Start().ok()) {
    server_.reset();
    ioc_.reset();
    return false;
  }
  port_ = server_->port();
  thread_ = std::thread([this] { ioc_->run(); });
  return true;
}

// Stopping the io_context and destroying it frees every session, which closes
// their sockets: the daemon's pooled keep-alive connections see a reset, and
// new ones are refused, as with a service that crashed.
void WebhookReceiver::Down() {
  if (!server_) return;
  server_->StopAccepting();
  ioc_->stop();
  thread_.join();
  server_.reset();
  ioc_.reset();
}

std::string WebhookReceiver::url() const { return fmt::format("http://127.0.0.1:{}/shop", port_); }

std::map<std::string, int> WebhookReceiver::accepted() const {
  std::lock_guard lock(mutex_);
  return accepted_;
}

}  // namespace webhookd::testing
