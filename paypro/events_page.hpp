// One page of GET /events: its events and where the next (older) page is.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.hpp"
#include "core/url.hpp"

namespace webhookd {

/// An event from a list page, with the columns the store needs.
struct ListedEvent {
  std::string id;
  std::string event_type;
  std::string created_at;  ///< RFC 3339 as PayPro wrote it
  int64_t created_at_us = 0;
  std::string resource_type;
  std::string resource_id;
  std::string json;  ///< the event object exactly as listed
};

struct EventsPage {
  std::vector<ListedEvent> events;  ///< newest first, as listed
  /// Request target of the next (older) page, relative to the API base;
  /// nullopt at the end of the list.
  std::optional<std::string> next_target;
};

/// Parses a list answer. The whole page is refused (kUpstream, naming what
/// is wrong) when it is not a list object, an event does not decode, or the
/// next link points anywhere but `api_base`: the API key is never sent to
/// another origin.
Result<EventsPage> ParseEventsPage(std::string_view body, const Url& api_base);

/// The request target for `link` (an absolute URL from `_links`) when it is
/// on `api_base`'s origin and under its path.
Result<std::string> TargetOnApi(std::string_view link, const Url& api_base);

}  // namespace webhookd
