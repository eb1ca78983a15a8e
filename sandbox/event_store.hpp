// All events and resources of the sandbox account, with look-ups and pages.
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <optional>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/result.hpp"
#include "sandbox/event_factory.hpp"
#include "sandbox/event_mix.hpp"
#include "sandbox/list_cursor.hpp"

namespace webhookd::sandbox {

/// One event as stored. Immutable once created, and never removed, so a
/// pointer to it stays valid for the store's lifetime.
struct StoredEvent {
  uint64_t sequence = 0;  ///< 1 for the first event, then +1 each
  std::string id;
  std::string_view type;   ///< static storage
  int64_t created_at = 0;  ///< Unix seconds
  std::string resource_id;
  std::string body_template;  ///< the Event object; see base_template.hpp
};

/// One page of GET /events, newest first.
struct EventPage {
  std::vector<const StoredEvent*> events;
  std::optional<ListCursor> next;  ///< older entries exist
  std::optional<ListCursor> prev;  ///< newer entries exist
};

/// Unix seconds now; injectable so tests can freeze time.
using UnixClock = std::function<int64_t()>;

inline constexpr size_t kMinListLimit = 1;
inline constexpr size_t kMaxListLimit = 100;

/// Thread-safe: many readers (API requests) or one writer (event creation)
/// at a time; look-ups are hash-map or index operations.
class EventStore {
 public:
  /// `clock` defaults to the system clock.
  explicit EventStore(uint64_t seed, UnixClock clock = {});

  /// Generates `count` events of `mix`; returns them oldest first.
  std::vector<const StoredEvent*> Create(const EventMix& mix, size_t count);

  /// The event with `id`; nullptr when unknown.
  const StoredEvent* Find(std::string_view id) const;

  /// A page of at most `limit` events, positioned by `cursor` (none: the
  /// newest). kBadRequest for a limit outside 1..100 or a cursor this store
  /// cannot have issued.
  Result<EventPage> List(size_t limit, const std::optional<ListCursor>& cursor) const;

  /// The current state of resource `id` of `kind`, rendered for
  /// `escaped_base`; nullopt when there is no such resource of that kind.
  std::optional<std::string> RenderResource(ResourceKind kind, std::string_view id,
                                            std::string_view escaped_base) const;

  /// The number of events.
  size_t size() const;

 private:
  void Append(NewEvent&& event);

  mutable std::shared_mutex mutex_;
  UnixClock clock_;
  EventFactory factory_;
  std::deque<StoredEvent> events_;  // deque: elements never move on growth
  std::unordered_map<std::string_view, const StoredEvent*> by_id_;  // keys view into events_
};

}  // namespace webhookd::sandbox
