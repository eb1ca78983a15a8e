// How long PostgreSQL itself stalls commits, measured beside the daemon.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <pqxx/pqxx>
#include <string>
#include <thread>

#include "tests/support/test_database.hpp"

namespace webhookd::testing {

/// Commits a one-row update every 100 ms on a connection of its own and
/// keeps the slowest commit since it was last asked: the stall any committer
/// saw then, whatever the daemon does. On a shared cluster another
/// database's DROP DATABASE forces an immediate checkpoint, which can hold
/// every commit for a second or more.
class CommitProbe {
 public:
  explicit CommitProbe(const TestDatabase& database) : connection_(database.Connect()) {
    pqxx::nontransaction setup(*connection_);
    setup.exec0("CREATE TABLE commit_probe (n bigint NOT NULL)");
    setup.exec0("INSERT INTO commit_probe VALUES (0)");
    backend_pid_ = connection_->backendpid();
    thread_ = std::thread([this] { Run(); });
  }
  ~CommitProbe() {
    stop_ = true;
    thread_.join();
  }
  CommitProbe(const CommitProbe&) = delete;
  CommitProbe& operator=(const CommitProbe&) = delete;

  /// The slowest probe transaction since the last call, in ms.
  double TakeSlowestMs() { return static_cast<double>(slowest_us_.exchange(0)) / 1000; }
  /// Why probing stopped early ("" while it runs).
  std::string failure() const { return failed_ ? failure_ : std::string(); }
  /// The probing backend, to leave out of pg_stat_activity counts.
  int backend_pid() const { return backend_pid_; }

 private:
  void Run() {
    while (!stop_) {
      const auto start = std::chrono::steady_clock::now();
      try {
        pqxx::work tx(*connection_);
        tx.exec0("UPDATE commit_probe SET n = n + 1");
        tx.commit();
      } catch (const std::exception& e) {
        failure_ = e.what();
        failed_ = true;
        return;
      }
      const int64_t took = std::chrono::duration_cast<std::chrono::microseconds>(
                               std::chrono::steady_clock::now() - start)
                               .count();
      int64_t slowest = slowest_us_;
      while (took > slowest && !slowest_us_.compare_exchange_weak(slowest, took)) {
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
  }

  std::unique_ptr<pqxx::connection> connection_;
  int backend_pid_ = 0;
  std::atomic<int64_t> slowest_us_{0};
  std::string failure_;
  std::atomic<bool> failed_{false};
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

}  // namespace webhookd::testing
