// The free list behind HttpClientPool.
#include "handlers/http_client_pool.hpp"

namespace webhookd {

HttpClientPool::Lease HttpClientPool::Take() {
  {
    std::lock_guard lock(mutex_);
    if (!idle_.empty()) {
      std::unique_ptr<HttpClient> client = std::move(idle_.back());
      idle_.pop_back();
      return Lease(*this, std::move(client));
    }
  }
  // Built outside the lock: constructing a TLS context is not free.
  return Lease(*this, std::make_unique<HttpClient>(url_, options_));
}

size_t HttpClientPool::idle() const {
  std::lock_guard lock(mutex_);
  return idle_.size();
}

void HttpClientPool::GiveBack(std::unique_ptr<HttpClient> client) {
  std::unique_lock lock(mutex_);
  if (idle_.size() < max_idle_) {
    idle_.push_back(std::move(client));
    return;
  }
  lock.unlock();
  // Destroyed outside the lock: closing a TLS connection may write.
}

}  // namespace webhookd
