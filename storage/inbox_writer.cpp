// Inbox writer threads: batch, insert, commit, answer.
#include "storage/inbox_writer.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <pqxx/pqxx>

#include "storage/database.hpp"
#include "storage/text_array.hpp"

namespace webhookd {

namespace {

constexpr auto kReconnectPause = std::chrono::milliseconds(500);

// One statement, prepared once per connection, whatever the batch size: the
// batch travels as five arrays. A statement with a VALUES row per webhook had
// PostgreSQL lex, parse and plan every body as a literal, every time.
constexpr const char* kInsertStatement = "inbox_insert";
constexpr const char* kInsertSql =
    "INSERT INTO paypro_events (event_id, event_type, resource_id, paypro_created_at, raw_body)"
    " SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::timestamptz[], $5::text[])"
    " ON CONFLICT (event_id) DO NOTHING";

// One array literal of the batch, `field_of(item)` per item (nullopt: NULL).
template <typename FieldOf>
std::string ArrayOf(const std::vector<InboxItem>& batch, FieldOf field_of) {
  std::vector<std::optional<std::string_view>> values;
  values.reserve(batch.size());
  for (const InboxItem& item : batch) values.push_back(field_of(item));
  return QuotedArrayLiteral(values);
}

std::optional<std::string_view> NullIfEmpty(const std::string& text) {
  return text.empty() ? std::nullopt : std::optional<std::string_view>(text);
}

Result<std::unique_ptr<pqxx::connection>> Connect(const Secret& url) {
  auto connected = ConnectDatabase(url);
  if (connected) (*connected)->prepare(kInsertStatement, kInsertSql);
  return connected;
}

// One statement on its own is its own transaction, as atomic and as durable
// as BEGIN … COMMIT around it, for one round trip to PostgreSQL instead of three.
void InsertBatch(pqxx::connection& connection, const std::vector<InboxItem>& batch) {
  pqxx::nontransaction tx(connection);
  // Empty hints become NULL; created_at was checked as RFC 3339 at intake, so
  // the cast cannot fail the batch.
  tx.exec_prepared0(kInsertStatement, ArrayOf(batch, [](const InboxItem& i) { return std::string_view(i.event.id); }),
                    ArrayOf(batch, [](const InboxItem& i) { return std::string_view(i.event.event_type); }),
                    ArrayOf(batch, [](const InboxItem& i) { return NullIfEmpty(i.event.resource_id); }),
                    ArrayOf(batch, [](const InboxItem& i) { return NullIfEmpty(i.event.created_at); }),
                    ArrayOf(batch, [](const InboxItem& i) { return std::string_view(i.body); }));
}

}  // namespace

InboxWriter::InboxWriter(Secret database_url, const DatabaseConfig& config, WorkSignal& stored,
                         InboxStats& stats)
    : database_url_(std::move(database_url)), config_(config), stored_(stored), stats_(stats) {}

InboxWriter::~InboxWriter() { Stop(); }

void InboxWriter::Start() {
  for (int i = 0; i < config_.inbox_writers; ++i) threads_.emplace_back([this] { Run(); });
}

void InboxWriter::Stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  queued_.notify_all();
  for (std::thread& thread : threads_) thread.join();
  threads_.clear();
}

Status InboxWriter::Submit(InboxItem item) {
  if (!healthy_) {
    ++stats_.rejected_down;
    return MakeError(ErrorCode::kUnavailable, "temporarily unavailable", "database unreachable");
  }
  {
    std::lock_guard lock(mutex_);
    if (stopping_ || queue_.size() >= config_.queue_capacity ||
        queued_bytes_ + item.body.size() > kMaxQueuedBytes) {
      ++stats_.rejected_full;
      return MakeError(ErrorCode::kUnavailable, "temporarily unavailable", "inbox queue full");
    }
    queued_bytes_ += item.body.size();
    queue_.push_back(std::move(item));
  }
  queued_.notify_one();
  return Ok{};
}

std::vector<InboxItem> InboxWriter::TakeBatch() {
  std::unique_lock lock(mutex_);
  queued_.wait_for(lock, kReconnectPause, [&] { return stopping_ || !queue_.empty(); });
  std::vector<InboxItem> batch;
  const size_t count = std::min(queue_.size(), config_.max_batch);
  batch.reserve(count);
  for (size_t i = 0; i < count; ++i) {
    queued_bytes_ -= queue_.front().body.size();
    batch.push_back(std::move(queue_.front()));
    queue_.pop_front();
  }
  return batch;
}

void InboxWriter::Complete(std::vector<InboxItem>& batch, const Status& status) {
  for (InboxItem& item : batch) item.done(status);
  batch.clear();
}

void InboxWriter::Run() {
  std::unique_ptr<pqxx::connection> connection;
  while (true) {
    std::vector<InboxItem> batch = TakeBatch();
    if (batch.empty()) {
      std::lock_guard lock(mutex_);
      if (stopping_) return;
    }
    if (!connection) {
      auto connected = Connect(database_url_);
      if (!connected) {
        if (healthy_.exchange(false)) spdlog::error("inbox: {}; answering 503", connected.error().detail);
        Complete(batch, connected.error());
        std::this_thread::sleep_for(kReconnectPause);
        continue;
      }
      connection = std::move(*connected);
      if (!healthy_.exchange(true)) spdlog::info("inbox: database reachable again");
    }
    if (batch.empty()) continue;
    // One order for every writer (and for backfill pages), so that two
    // transactions inserting the same ids cannot deadlock.
    std::sort(batch.begin(), batch.end(),
              [](const InboxItem& a, const InboxItem& b) { return a.event.id < b.event.id; });
    try {
      try {
        InsertBatch(*connection, batch);
      } catch (const pqxx::failure& e) {
        // The connection may have died (its backend terminated, an idle
        // timeout, a restart already over) although PostgreSQL is fine: one
        // fresh connection and the batch again before answering 503. Inserting
        // twice is harmless, even after a commit of unknown outcome (ON
        // CONFLICT DO NOTHING).
        if (connection->is_open()) throw;
        auto fresh = Connect(database_url_);
        if (!fresh) throw;
        spdlog::warn("inbox: database connection lost, reconnected: {}", RedactPassword(e.what(), database_url_));
        connection = std::move(*fresh);
        InsertBatch(*connection, batch);
      }
      ++stats_.batches;
      stats_.rows_committed += batch.size();
      Complete(batch, Ok{});
      stored_.Notify();
    } catch (const pqxx::broken_connection& e) {
      // The retry above failed too. Answering 503 is safe even when the
      // insert's outcome is unknown (the connection broke after PostgreSQL
      // had it): PayPro's retry lands on ON CONFLICT DO NOTHING.
      connection.reset();
      healthy_ = false;
      spdlog::error("inbox: lost the database connection: {}", RedactPassword(e.what(), database_url_));
      Complete(batch, MakeError(ErrorCode::kUnavailable, "temporarily unavailable", "database connection lost"));
    } catch (const std::exception& e) {
      spdlog::error("inbox: batch of {} not stored: {}", batch.size(), e.what());
      connection.reset();
      Complete(batch, MakeError(ErrorCode::kUnavailable, "temporarily unavailable", "insert failed"));
    }
  }
}

}  // namespace webhookd
