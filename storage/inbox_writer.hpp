// Group commit of received webhooks: one transaction answers many requests.
#pragma once

#include <atomic>
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/thread_pool.hpp>
#include <deque>
#include <functional>
#include <future>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "config/config.hpp"
#include "core/result.hpp"
#include "core/secret.hpp"
#include "core/work_signal.hpp"
#include "paypro/posted_event.hpp"
#include "storage/async_pg_connection.hpp"

namespace webhookd {

/// A webhook whose signature held, waiting to be stored.
struct InboxItem {
  PostedEvent event;  ///< id and hints as posted; PayPro's copy replaces the hints
  std::string body;
  /// Called on the writer's executor: Ok once the row is committed (new or
  /// duplicate), kUnavailable when it could not be.
  std::function<void(Status)> done;
};

/// Counters, read by the admin listener.
struct InboxStats {
  std::atomic<uint64_t> batches{0};         ///< transactions committed
  std::atomic<uint64_t> rows_committed{0};  ///< webhooks acknowledged as stored
  std::atomic<uint64_t> rejected_full{0};   ///< refused: queue full
  std::atomic<uint64_t> rejected_down{0};   ///< refused: database unreachable
};

/// Each of `inbox_writers` connections takes everything queued (up to
/// max_batch) into one INSERT ... ON CONFLICT DO NOTHING, its own commit.
/// While one batch commits the next one gathers, so batches grow with load
/// and each request pays for a share of one fsync. The connections are
/// driven from the I/O threads' executor (libpq's non-blocking interface):
/// a call reaches its connection and its answer comes back without a hand-off
/// to another thread; only connecting, which blocks, has a thread of its own.
/// The queue is bounded by count and bytes: beyond that, and while PostgreSQL
/// is unreachable, Submit refuses at once so the caller can answer 503 and
/// PayPro retries.
class InboxWriter {
 public:
  InboxWriter(const boost::asio::any_io_executor& executor, Secret database_url, const DatabaseConfig& config,
              WorkSignal& stored, InboxStats& stats);
  ~InboxWriter();

  /// Starts connecting.
  void Start();
  /// Stores what is queued, then closes the connections. The executor must
  /// keep running until this returns.
  void Stop();

  /// Queues `item`, from any thread. On refusal, `item.done` is not called.
  Status Submit(InboxItem item);

  /// False while PostgreSQL is unreachable.
  bool healthy() const { return healthy_; }

  /// Bytes of bodies queued at most.
  static constexpr size_t kMaxQueuedBytes = 32 * 1024 * 1024;

 private:
  /// One connection and the batch it is storing.
  struct Writer {
    explicit Writer(const boost::asio::any_io_executor& executor) : reconnect_timer(executor) {}
    std::unique_ptr<AsyncPgConnection> connection;
    std::vector<InboxItem> batch;
    bool busy = false;         ///< connecting, storing or waiting to reconnect
    /// Set while `batch` goes again on a fresh connection: why the first broke.
    std::optional<std::string> lost_because;
    boost::asio::steady_timer reconnect_timer;
  };

  // All of these run on strand_.
  void Kick();
  void StoreNext(Writer& writer);
  void Store(Writer& writer);
  void OnStored(Writer& writer, Status stored);
  void Connect(Writer& writer);
  void OnConnected(Writer& writer, Result<std::unique_ptr<AsyncPgConnection>> opened);
  void AnswerConnectionLost(Writer& writer, const std::string& detail);
  void ReconnectLater(Writer& writer);
  void FailQueued(const Status& status);
  bool AnyConnected() const;
  void FinishIfDrained();

  std::vector<InboxItem> TakeBatch();
  static void Complete(std::vector<InboxItem>& batch, const Status& status);

  Secret database_url_;
  DatabaseConfig config_;
  WorkSignal& stored_;
  InboxStats& stats_;

  boost::asio::strand<boost::asio::any_io_executor> strand_;
  boost::asio::thread_pool connector_{1};  // PQconnectdb blocks: never on the I/O threads
  std::vector<std::unique_ptr<Writer>> writers_;
  bool started_ = false;

  std::mutex mutex_;  // guards what Submit touches
  std::deque<InboxItem> queue_;
  size_t queued_bytes_ = 0;
  int kicks_pending_ = 0;  // posted Kicks not yet run: Submit's (one at most) and Stop's
  bool stopping_ = false;
  std::atomic<bool> healthy_{true};
  std::promise<void> drained_;  // set on strand_ once stopping and nothing is left
  bool drained_set_ = false;
};

}  // namespace webhookd
