// A small pool of keep-alive HTTP clients to one origin, shared by worker threads.
#pragma once

#include <memory>
#include <mutex>
#include <vector>

#include "core/http_client.hpp"

namespace webhookd {

/// Hands each caller a client of its own (HttpClient is not thread-safe) and
/// keeps finished ones, with their open connections, for the next caller.
class HttpClientPool {
 public:
  /// A client on loan; returns to the pool when the lease ends.
  class Lease {
   public:
    Lease(HttpClientPool& pool, std::unique_ptr<HttpClient> client)
        : pool_(&pool), client_(std::move(client)) {}
    Lease(Lease&&) noexcept = default;
    Lease& operator=(Lease&&) = delete;
    ~Lease() {
      if (client_) pool_->GiveBack(std::move(client_));
    }
    HttpClient& operator*() const { return *client_; }
    HttpClient* operator->() const { return client_.get(); }

   private:
    HttpClientPool* pool_;
    std::unique_ptr<HttpClient> client_;
  };

  /// `max_idle` bounds the clients kept between calls; more may be lent out
  /// at once, the extra ones are dropped when given back.
  HttpClientPool(Url url, HttpClientOptions options, size_t max_idle = 16)
      : url_(std::move(url)), options_(std::move(options)), max_idle_(max_idle) {}
  HttpClientPool(const HttpClientPool&) = delete;
  HttpClientPool& operator=(const HttpClientPool&) = delete;

  /// An idle client if there is one, else a new one.
  Lease Take();
  /// Clients waiting in the pool (for tests and stats).
  size_t idle() const;

 private:
  void GiveBack(std::unique_ptr<HttpClient> client);

  const Url url_;
  const HttpClientOptions options_;
  const size_t max_idle_;
  mutable std::mutex mutex_;
  std::vector<std::unique_ptr<HttpClient>> idle_;
};

}  // namespace webhookd
