// Inbox connections: batch, insert, commit, answer.
#include "storage/inbox_writer.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <boost/asio/post.hpp>

#include "storage/database.hpp"
#include "storage/text_array.hpp"

namespace webhookd {

namespace net = boost::asio;

namespace {

constexpr auto kReconnectPause = std::chrono::milliseconds(500);

// One statement, prepared once per connection, whatever the batch size: the
// batch travels as five arrays. A statement with a VALUES row per webhook had
// PostgreSQL lex, parse and plan every body as a literal, every time. One
// statement on its own is its own transaction, as atomic and as durable as
// BEGIN … COMMIT around it, for one round trip instead of three.
constexpr PreparedStatement kInsert{
    "inbox_insert",
    "INSERT INTO paypro_events (event_id, event_type, resource_id, paypro_created_at, raw_body)"
    " SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::timestamptz[], $5::text[])"
    " ON CONFLICT (event_id) DO NOTHING"};

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

// The insert's five parameters. Empty hints become NULL; created_at was
// checked as RFC 3339 at intake, so the cast cannot fail the batch.
std::vector<std::string> InsertParameters(const std::vector<InboxItem>& batch) {
  return {ArrayOf(batch, [](const InboxItem& i) { return std::string_view(i.event.id); }),
          ArrayOf(batch, [](const InboxItem& i) { return std::string_view(i.event.event_type); }),
          ArrayOf(batch, [](const InboxItem& i) { return NullIfEmpty(i.event.resource_id); }),
          ArrayOf(batch, [](const InboxItem& i) { return NullIfEmpty(i.event.created_at); }),
          ArrayOf(batch, [](const InboxItem& i) { return std::string_view(i.body); })};
}

Error Unavailable(std::string detail) {
  return MakeError(ErrorCode::kUnavailable, "temporarily unavailable", std::move(detail));
}

}  // namespace

InboxWriter::InboxWriter(const net::any_io_executor& executor, Secret database_url, const DatabaseConfig& config,
                         WorkSignal& stored, InboxStats& stats)
    : database_url_(std::move(database_url)),
      config_(config),
      stored_(stored),
      stats_(stats),
      strand_(net::make_strand(executor)) {
  for (int i = 0; i < config_.inbox_writers; ++i) writers_.push_back(std::make_unique<Writer>(strand_));
}

InboxWriter::~InboxWriter() { Stop(); }

void InboxWriter::Start() {
  started_ = true;
  net::post(strand_, [this] {
    for (auto& writer : writers_) Connect(*writer);
  });
}

void InboxWriter::Stop() {
  {
    std::lock_guard lock(mutex_);
    if (stopping_) return;
    stopping_ = true;
    if (started_) ++kicks_pending_;  // the Kick posted below
  }
  if (!started_) return;
  std::future<void> drained = drained_.get_future();
  net::post(strand_, [this] {
    // A writer waiting to reconnect tries now, for what is still queued.
    for (auto& writer : writers_) writer->reconnect_timer.cancel();
    Kick();
  });
  drained.wait();
  connector_.join();
}

Status InboxWriter::Submit(InboxItem item) {
  if (!healthy_) {
    ++stats_.rejected_down;
    return Unavailable("database unreachable");
  }
  bool post_kick = false;
  {
    std::lock_guard lock(mutex_);
    if (stopping_ || queue_.size() >= config_.queue_capacity || queued_bytes_ + item.body.size() > kMaxQueuedBytes) {
      ++stats_.rejected_full;
      return Unavailable("inbox queue full");
    }
    queued_bytes_ += item.body.size();
    queue_.push_back(std::move(item));
    post_kick = kicks_pending_ == 0;
    if (post_kick) ++kicks_pending_;
  }
  // Posted, not run here: the calls read in the same turn of the event loop
  // join the batch.
  if (post_kick) net::post(strand_, [this] { Kick(); });
  return Ok{};
}

void InboxWriter::Kick() {
  {
    std::lock_guard lock(mutex_);
    --kicks_pending_;
  }
  for (auto& writer : writers_) {
    if (!writer->busy && writer->connection) StoreNext(*writer);
  }
  FinishIfDrained();
}

void InboxWriter::StoreNext(Writer& writer) {
  writer.batch = TakeBatch();
  if (writer.batch.empty()) {
    writer.busy = false;
    return;
  }
  Store(writer);
}

void InboxWriter::Store(Writer& writer) {
  writer.busy = true;
  // One order for every connection (and for backfill pages), so that two
  // transactions inserting the same ids cannot deadlock.
  std::sort(writer.batch.begin(), writer.batch.end(),
            [](const InboxItem& a, const InboxItem& b) { return a.event.id < b.event.id; });
  writer.connection->ExecPrepared(InsertParameters(writer.batch),
                                  [this, &writer](Status stored) { OnStored(writer, std::move(stored)); });
}

void InboxWriter::OnStored(Writer& writer, Status stored) {
  if (stored) {
    ++stats_.batches;
    stats_.rows_committed += writer.batch.size();
    writer.lost_because.reset();
    Complete(writer.batch, Ok{});
    stored_.Notify();
    StoreNext(writer);
    return FinishIfDrained();
  }
  const std::string detail = RedactPassword(stored.error().detail, database_url_);
  const bool lost = !writer.connection->is_open();
  writer.connection.reset();
  if (lost && !writer.lost_because) {
    // The connection may have died (its backend terminated, an idle timeout,
    // a restart already over) although PostgreSQL is fine: one fresh
    // connection and the batch again before answering 503. Inserting twice
    // is harmless, even after a commit of unknown outcome (ON CONFLICT DO
    // NOTHING).
    writer.lost_because = detail;
    return Connect(writer);
  }
  if (lost) {
    healthy_ = false;
    AnswerConnectionLost(writer, detail);
  } else {
    writer.lost_because.reset();
    spdlog::error("inbox: batch of {} not stored: {}", writer.batch.size(), detail);
    Complete(writer.batch, Unavailable("insert failed"));
  }
  Connect(writer);
}

void InboxWriter::Connect(Writer& writer) {
  writer.busy = true;
  net::post(connector_, [this, &writer] {
    auto opened = AsyncPgConnection::Open(strand_, database_url_, "inbox", kInsert);
    net::post(strand_, [this, &writer, opened = std::move(opened)]() mutable { OnConnected(writer, std::move(opened)); });
  });
}

void InboxWriter::OnConnected(Writer& writer, Result<std::unique_ptr<AsyncPgConnection>> opened) {
  if (!opened) {
    if (writer.lost_because) AnswerConnectionLost(writer, opened.error().detail);
    // PostgreSQL cannot be reached: new calls get 503 until a connection
    // opens again. While another connection stores, what is queued waits for it.
    if (healthy_.exchange(false)) spdlog::error("inbox: {}; answering 503", opened.error().detail);
    if (!AnyConnected()) FailQueued(opened.error());
    return ReconnectLater(writer);
  }
  writer.connection = std::move(*opened);
  if (!healthy_.exchange(true)) spdlog::info("inbox: database reachable again");
  if (writer.lost_because) {
    spdlog::warn("inbox: database connection lost, reconnected to store {} calls again: {}", writer.batch.size(),
                 *writer.lost_because);
    return Store(writer);
  }
  StoreNext(writer);
  FinishIfDrained();
}

// The batch's second connection failed too: its calls get 503, which is safe
// even when an insert's outcome is unknown (PayPro's retry lands on ON
// CONFLICT DO NOTHING).
void InboxWriter::AnswerConnectionLost(Writer& writer, const std::string& detail) {
  writer.lost_because.reset();
  spdlog::error("inbox: lost the database connection: {}", detail);
  Complete(writer.batch, Unavailable("database connection lost"));
}

void InboxWriter::ReconnectLater(Writer& writer) {
  writer.reconnect_timer.expires_after(kReconnectPause);
  writer.reconnect_timer.async_wait([this, &writer](boost::system::error_code) {
    bool nothing_to_store;
    {
      std::lock_guard lock(mutex_);
      nothing_to_store = stopping_ && queue_.empty();
    }
    if (!nothing_to_store) return Connect(writer);
    writer.busy = false;
    FinishIfDrained();
  });
}

void InboxWriter::FailQueued(const Status& status) {
  std::vector<InboxItem> failed;
  {
    std::lock_guard lock(mutex_);
    failed.assign(std::make_move_iterator(queue_.begin()), std::make_move_iterator(queue_.end()));
    queue_.clear();
    queued_bytes_ = 0;
  }
  Complete(failed, status);
}

bool InboxWriter::AnyConnected() const {
  return std::any_of(writers_.begin(), writers_.end(), [](const auto& writer) { return writer->connection != nullptr; });
}

// Once it has set `drained_`, Stop() may return and `this` be gone: call it
// last, with nothing of `this` touched after it.
void InboxWriter::FinishIfDrained() {
  if (drained_set_) return;
  {
    std::lock_guard lock(mutex_);
    // A Kick still queued holds `this`: Stop() must not return before it ran.
    if (!stopping_ || !queue_.empty() || kicks_pending_ > 0) return;
  }
  if (std::any_of(writers_.begin(), writers_.end(), [](const auto& writer) { return writer->busy; })) return;
  for (auto& writer : writers_) writer->connection.reset();  // none has a statement in flight
  drained_set_ = true;
  drained_.set_value();
}

std::vector<InboxItem> InboxWriter::TakeBatch() {
  std::lock_guard lock(mutex_);
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

}  // namespace webhookd
