// Parsing GET /events pages.
#include "paypro/events_page.hpp"

#include <fmt/format.h>
#include <simdjson.h>

#include "handlers/event.hpp"
#include "handlers/rfc3339.hpp"

namespace webhookd {

namespace {

Error Malformed(std::string detail) {
  return MakeError(ErrorCode::kUpstream, "malformed events page", "malformed events page: " + std::move(detail));
}

// "." or "..", also percent-encoded (%2e), which servers resolve upwards.
bool IsDotSegment(std::string_view segment) {
  size_t dots = 0;
  while (!segment.empty()) {
    if (segment.starts_with('.')) {
      segment.remove_prefix(1);
    } else if (segment.size() >= 3 && segment.substr(0, 2) == "%2" && (segment[2] == 'e' || segment[2] == 'E')) {
      segment.remove_prefix(3);
    } else {
      return false;
    }
    ++dots;
  }
  return dots == 1 || dots == 2;
}

// Whether `path` is `base` or below it: at a segment boundary (/v1/events,
// not /v1x) and without dot segments (not /v1/../admin).
bool IsUnderPath(std::string_view path, std::string_view base) {
  if (!path.starts_with(base) || (path.size() > base.size() && path[base.size()] != '/')) return false;
  while (!path.empty()) {
    path.remove_prefix(1);  // the '/' before each segment
    const size_t end = path.find('/');
    if (IsDotSegment(path.substr(0, end))) return false;
    path = end == std::string_view::npos ? std::string_view() : path.substr(end);
  }
  return true;
}

}  // namespace

Result<std::string> TargetOnApi(std::string_view link, const Url& api_base) {
  const size_t query_at = link.find('?');
  auto url = ParseUrl(link.substr(0, query_at));
  if (!url) return Malformed(fmt::format("link {} is not a URL", link));
  const bool same_origin = url->tls == api_base.tls && url->host == api_base.host && url->port == api_base.port;
  if (!same_origin || !IsUnderPath(url->base_path, api_base.base_path)) {
    return Malformed(fmt::format("link {} leaves the API at {}", link, api_base.ToString()));
  }
  std::string target = url->base_path.substr(api_base.base_path.size());
  if (query_at != std::string_view::npos) target += link.substr(query_at);
  return target;
}

Result<EventsPage> ParseEventsPage(std::string_view body, const Url& api_base) {
  simdjson::dom::parser parser;
  simdjson::dom::element root;
  if (parser.parse(body.data(), body.size()).get(root) != simdjson::SUCCESS) return Malformed("not JSON");
  std::string_view type;
  simdjson::dom::array data;
  if (root["type"].get_string().get(type) != simdjson::SUCCESS || type != "list" ||
      root["data"].get_array().get(data) != simdjson::SUCCESS) {
    return Malformed("not a list object with data");
  }
  EventsPage page;
  for (simdjson::dom::element item : data) {
    std::string json = simdjson::minify(item);
    auto event = DecodeEvent(json);
    if (!event) return Malformed(event.error().detail);
    auto created = ParseRfc3339(event->created_at);
    if (!created) return Malformed(fmt::format("event {}: created_at is not RFC 3339", event->id));
    page.events.push_back({event->id, event->type_name, event->created_at, *created, event->resource_type,
                           event->resource_id, std::move(json)});
  }
  std::string_view next;
  if (root["_links"]["next"].get_string().get(next) == simdjson::SUCCESS && !next.empty()) {
    auto target = TargetOnApi(next, api_base);
    if (!target) return target.take_error();
    page.next_target = std::move(*target);
  }
  return page;
}

}  // namespace webhookd
