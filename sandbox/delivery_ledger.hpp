// Bookkeeping of webhook deliveries: what is pending, acknowledged, failed.
#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

namespace webhookd::sandbox {

/// Counts over everything triggered since start (or the last Reset).
struct DeliverySummary {
  uint64_t pending = 0;                  ///< deliveries (duplicates included) not yet settled
  uint64_t acknowledged = 0;             ///< events that got a 2xx
  uint64_t failed = 0;                   ///< events given up after the last attempt
  uint64_t dropped = 0;                  ///< events never sent on purpose (drop_rate)
  uint64_t duplicates_sent = 0;          ///< second deliveries that were sent
  uint64_t attempts = 0;                 ///< HTTP requests made, retries included
  std::map<unsigned, uint64_t> answers;  ///< attempts per HTTP status; 0 = no answer
};

/// Which list of event ids to read.
enum class DeliveryOutcome : uint8_t { kAcknowledged, kFailed, kDropped };

/// Thread-safe ledger written by the delivery threads and read by the
/// control API. Each call holds one mutex for a few counter updates.
class DeliveryLedger {
 public:
  /// `count` deliveries were queued.
  void Enqueued(size_t count);
  /// Event `id` was dropped instead of delivered.
  void Dropped(std::string_view id);
  /// One attempt got `status` (0: no answer: connection failure or timeout).
  void Attempted(unsigned status);
  /// A duplicate delivery made its first attempt.
  void DuplicateSent();
  /// A delivery ended, acknowledged or given up. Only an event's first
  /// delivery (not its duplicate) lands in the id lists and their counts.
  void Settled(std::string_view id, bool acknowledged, bool duplicate);

  DeliverySummary Summary() const;
  uint64_t pending() const;
  std::vector<std::string> Ids(DeliveryOutcome outcome) const;

  /// Zeroes everything except `pending`, which belongs to work in progress.
  void Reset();

 private:
  mutable std::mutex mutex_;
  DeliverySummary summary_;
  std::vector<std::string> acknowledged_ids_;
  std::vector<std::string> failed_ids_;
  std::vector<std::string> dropped_ids_;
};

}  // namespace webhookd::sandbox
