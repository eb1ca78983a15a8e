// Group commit of received webhooks: one transaction answers many requests.
#pragma once

#include <atomic>
#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "config/config.hpp"
#include "core/secret.hpp"
#include "core/result.hpp"
#include "core/work_signal.hpp"
#include "paypro/posted_event.hpp"

namespace webhookd {

/// A webhook whose signature held, waiting to be stored.
struct InboxItem {
  PostedEvent event;  ///< id and hints as posted; PayPro's copy replaces the hints
  std::string body;
  /// Called from a writer thread: Ok once the row is committed (new or
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

/// Writer threads take everything queued (up to max_batch) into one
/// INSERT ... ON CONFLICT DO NOTHING and one commit. While one batch commits
/// the next one gathers, so batches grow with load and each request pays
/// for a share of one fsync. The queue is bounded by count and bytes: beyond
/// that, and while PostgreSQL is unreachable, Submit refuses at once so the
/// caller can answer 503 and PayPro retries.
class InboxWriter {
 public:
  InboxWriter(Secret database_url, const DatabaseConfig& config, WorkSignal& stored, InboxStats& stats);
  ~InboxWriter();

  /// Connects and starts the writer threads.
  void Start();
  /// Stores what is queued, then stops the threads.
  void Stop();

  /// Queues `item`. On refusal, `item.done` is not called.
  Status Submit(InboxItem item);

  /// False while PostgreSQL is unreachable.
  bool healthy() const { return healthy_; }

  /// Bytes of bodies queued at most.
  static constexpr size_t kMaxQueuedBytes = 32 * 1024 * 1024;

 private:
  void Run();
  std::vector<InboxItem> TakeBatch();
  static void Complete(std::vector<InboxItem>& batch, const Status& status);

  Secret database_url_;
  DatabaseConfig config_;
  WorkSignal& stored_;
  InboxStats& stats_;

  std::mutex mutex_;
  std::condition_variable queued_;
  std::deque<InboxItem> queue_;
  size_t queued_bytes_ = 0;
  bool stopping_ = false;
  std::atomic<bool> healthy_{true};
  std::vector<std::thread> threads_;
};

}  // namespace webhookd
