// Event storage, cursor pagination and resource look-ups.
#include "sandbox/event_store.hpp"

#include <algorithm>
#include <chrono>
#include <mutex>

#include "core/json_writer.hpp"
#include "sandbox/base_template.hpp"
#include "sandbox/resource_json.hpp"
#include "sandbox/rfc3339.hpp"

namespace webhookd::sandbox {

namespace {

// Creation takes the write lock per chunk, so API readers are not held off
// for the whole of a large batch.
constexpr size_t kCreateChunk = 1024;

int64_t SystemUnixSeconds() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string EventTemplate(const NewEvent& event) {
  JsonWriter json;
  json.BeginObject().Key("id").String(event.id).Key("type").String("event");
  json.Key("event_type").String(event.type);
  json.Key("created_at").String(FormatRfc3339(event.created_at));
  json.Key("payload").Raw(event.payload);
  std::string self = "\"";
  self.push_back(kBaseMarker);
  self.append("/events/").append(event.id).append("\"");
  json.Key("_links").BeginObject().Key("self").Raw(self).EndObject();
  json.EndObject();
  return json.Take();
}

}  // namespace

EventStore::EventStore(uint64_t seed, UnixClock clock)
    : clock_(clock ? std::move(clock) : UnixClock(SystemUnixSeconds)), factory_(seed) {}

std::vector<const StoredEvent*> EventStore::Create(const EventMix& mix, size_t count) {
  std::vector<const StoredEvent*> created;
  created.reserve(count);
  std::vector<NewEvent> fresh;
  {
    std::unique_lock lock(mutex_);
    by_id_.reserve(events_.size() + count);  // one rehash per batch, not many
  }
  while (created.size() < count) {
    const size_t chunk = std::min(kCreateChunk, count - created.size());
    fresh.clear();
    std::unique_lock lock(mutex_);
    factory_.Generate(mix, chunk, clock_(), fresh);
    for (NewEvent& event : fresh) {
      Append(std::move(event));
      created.push_back(&events_.back());
    }
  }
  return created;
}

void EventStore::Append(NewEvent&& event) {
  // 36^18 ids make a clash all but impossible; the check keeps it impossible.
  while (by_id_.contains(event.id)) event.id = factory_.NewEventId();
  StoredEvent& stored = events_.emplace_back();
  stored.sequence = events_.size();
  stored.body_template = EventTemplate(event);
  stored.id = std::move(event.id);
  stored.type = event.type;
  stored.created_at = event.created_at;
  stored.resource_id = std::move(event.resource_id);
  by_id_.emplace(stored.id, &stored);
}

const StoredEvent* EventStore::Find(std::string_view id) const {
  std::shared_lock lock(mutex_);
  const auto found = by_id_.find(id);
  return found == by_id_.end() ? nullptr : found->second;
}

Result<EventPage> EventStore::List(size_t limit, const std::optional<ListCursor>& cursor) const {
  if (limit < kMinListLimit || limit > kMaxListLimit) {
    return MakeError(ErrorCode::kBadRequest, "limit must be between 1 and 100");
  }
  std::shared_lock lock(mutex_);
  const uint64_t newest = events_.size();
  // The page is the sequence range [low, high], empty when low > high.
  uint64_t high = newest;
  uint64_t low = 1;
  // Links only ever carry n:1..newest+1 and p:0..newest-1; anything past
  // that came from elsewhere (another sandbox run, a hand-made cursor).
  const bool newer = cursor && cursor->direction == ListCursor::Direction::kNewer;
  if (cursor && cursor->sequence > (newer ? newest : newest + 1)) {
    return MakeError(ErrorCode::kBadRequest, "invalid cursor");
  }
  if (newer) {
    low = cursor->sequence + 1;
    high = std::min(newest, cursor->sequence + limit);
  } else {
    if (cursor) high = std::min(newest, cursor->sequence == 0 ? 0 : cursor->sequence - 1);
    low = high >= limit ? high - limit + 1 : 1;
  }
  EventPage page;
  if (high >= low) {
    page.events.reserve(high - low + 1);
    for (uint64_t sequence = high; sequence >= low; --sequence) {
      page.events.push_back(&events_[sequence - 1]);
    }
  }
  if (low > 1) page.next = ListCursor{ListCursor::Direction::kOlder, low};
  if (high < newest) page.prev = ListCursor{ListCursor::Direction::kNewer, high};
  return page;
}

std::optional<std::string> EventStore::RenderResource(ResourceKind kind, std::string_view id,
                                                      std::string_view escaped_base) const {
  std::shared_lock lock(mutex_);
  const Resource* resource = factory_.Find(id);
  if (resource == nullptr || resource->kind != kind) return std::nullopt;
  return RenderWithBase(ResourceTemplate(*resource), escaped_base);
}

size_t EventStore::size() const {
  std::shared_lock lock(mutex_);
  return events_.size();
}

}  // namespace webhookd::sandbox
