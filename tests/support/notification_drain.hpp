// A LISTEN connection that keeps reading, counting what arrives on one channel.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <pqxx/pqxx>
#include <string>
#include <thread>

#include "tests/support/test_database.hpp"

namespace webhookd::testing {

/// Counts the notifications on `channel`, reading them from its own thread as
/// they come. A listener that stops reading leaves its backend blocked in
/// ClientWrite with its snapshot: that holds back the xmin horizon (dead rows
/// pile up under the daemon's claim queries) and every DROP DATABASE on the
/// cluster (ProcSignalBarrier) until it reads again.
class NotificationDrain {
 public:
  NotificationDrain(const TestDatabase& database, const std::string& channel)
      : connection_(database.Connect()),
        counter_(*connection_, channel),
        backend_pid_(connection_->backendpid()),
        thread_([this] {
          while (!stop_) connection_->await_notification(0, 200'000);
        }) {}
  ~NotificationDrain() {
    stop_ = true;
    thread_.join();
  }
  NotificationDrain(const NotificationDrain&) = delete;
  NotificationDrain& operator=(const NotificationDrain&) = delete;

  /// The listening backend, to leave out of pg_stat_activity counts.
  int backend_pid() const { return backend_pid_; }
  int64_t count() const { return counter_.count; }

 private:
  class Counter : public pqxx::notification_receiver {
   public:
    Counter(pqxx::connection_base& connection, const std::string& channel)
        : pqxx::notification_receiver(connection, channel) {}
    void operator()(const std::string&, int) override { ++count; }
    std::atomic<int64_t> count{0};
  };

  std::unique_ptr<pqxx::connection> connection_;
  Counter counter_;
  const int backend_pid_;
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

}  // namespace webhookd::testing
