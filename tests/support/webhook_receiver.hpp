// A local target for http handlers that can go down and come back on its port.
#pragma once

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

namespace boost::asio {
class io_context;
}

namespace webhookd {
class HttpServer;
}

namespace webhookd::testing {

/// A shop's webhook endpoint on 127.0.0.1: checks the Standard Webhooks
/// signature made with `secret`, answers 200 and counts each accepted call by
/// its webhook-id. Down() closes the port and every open connection, as a
/// crashed service would; Up() listens again on the same port.
class WebhookReceiver {
 public:
  explicit WebhookReceiver(std::string secret);
  ~WebhookReceiver();
  WebhookReceiver(const WebhookReceiver&) = delete;
  WebhookReceiver& operator=(const WebhookReceiver&) = delete;

  /// Listens (again); false when the port cannot be bound.
  bool Up();
  void Down();

  std::string url() const;
  /// Accepted calls by webhook-id (an event id): 1 each when delivered once.
  std::map<std::string, int> accepted() const;
  /// Calls whose signature or body did not check out (answered 400).
  int bad_signatures() const { return bad_signatures_; }

 private:
  const std::string secret_;
  uint16_t port_ = 0;
  std::unique_ptr<boost::asio::io_context> ioc_;
  std::unique_ptr<HttpServer> server_;
  std::thread thread_;
  mutable std::mutex mutex_;
  std::map<std::string, int> accepted_;
  std::atomic<int> bad_signatures_{0};
};

}  // namespace webhookd::testing
