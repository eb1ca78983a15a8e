// API request handling: route, count, apply faults, check the key, serve.
#include "sandbox/api_routes.hpp"

#include "core/crypto.hpp"
#include "core/json_writer.hpp"
#include "sandbox/base_template.hpp"
#include "sandbox/route_helpers.hpp"

namespace webhookd::sandbox {

namespace {

constexpr size_t kDefaultListLimit = 10;

ServerResponse WithRetryAfter(ServerResponse response, int64_t seconds) {
  response.headers.Add("Retry-After", std::to_string(seconds));
  return response;
}

// `base/events?limit=N&cursor=C`, ready to stand in a JSON string: the
// cursor is base64url and the base is already escaped.
std::string PageLink(std::string_view base, size_t limit, const ListCursor& cursor) {
  std::string link(base);
  link.append("/events?limit=")
      .append(std::to_string(limit))
      .append("&cursor=")
      .append(EncodeCursor(cursor));
  return link;
}

void AppendLink(std::string& out, std::string_view name, std::string_view escaped_value) {
  out.append(",\"").append(name).append("\":\"").append(escaped_value).append("\"");
}

}  // namespace

ApiRoute ParseApiRoute(std::string_view path) {
  ApiRoute route;
  if (path.size() < 2 || path[0] != '/') return route;
  path.remove_prefix(1);
  if (path.back() == '/') path.remove_suffix(1);
  const size_t slash = path.find('/');
  const std::string_view collection = path.substr(0, slash);
  if (slash == std::string_view::npos) {
    if (collection == "events") route.kind = ApiRoute::Kind::kEventList;
    return route;
  }
  const std::string_view id = path.substr(slash + 1);
  if (id.empty() || id.find('/') != std::string_view::npos) return route;
  route.id = id;
  if (collection == "events") {
    route.kind = ApiRoute::Kind::kEvent;
  } else if (const auto kind = KindForCollection(collection)) {
    route.kind = ApiRoute::Kind::kResource;
    route.resource = *kind;
  }
  return route;
}

ApiRoutes::ApiRoutes(const EventStore& store, FaultPlan& faults, ApiStats& stats,
                     ApiSettings settings)
    : store_(store), faults_(faults), stats_(stats), settings_(std::move(settings)) {}

bool ApiRoutes::Authorized(const ServerRequest& request) const {
  constexpr std::string_view kScheme = "Bearer ";
  const std::string_view header = request.headers.Get("Authorization");
  if (header.size() <= kScheme.size() ||
      !HeaderNameEquals(header.substr(0, kScheme.size()), kScheme)) {
    return false;
  }
  return ConstantTimeEquals(header.substr(kScheme.size()), settings_.api_key.Reveal());
}

ApiOutcome ApiRoutes::Handle(const ServerRequest& request) const {
  const Target target = SplitTarget(request.target);
  const ApiRoute route = ParseApiRoute(target.path);
  stats_.CountRequest();
  if (route.kind == ApiRoute::Kind::kEvent) stats_.CountEventFetch(route.id);
  if (route.kind == ApiRoute::Kind::kEventList) stats_.CountList();

  const Faults faults = faults_.faults();
  ApiOutcome outcome;
  outcome.delay = std::chrono::milliseconds(
      faults.latency_ms + (route.kind == ApiRoute::Kind::kEventList ? faults.list_latency_ms : 0));
  if (faults.down) {
    outcome.response = WithRetryAfter(JsonError(503, "service unavailable"), faults.retry_after_s);
  } else if (!Authorized(request)) {
    stats_.CountUnauthorized();
    outcome.response = JsonError(401, "unauthorized: a valid Bearer API key is required");
  } else {
    switch (faults_.DrawApiFault(faults)) {
      case ApiFault::kTimeout:
        stats_.CountTimeout();
        outcome.hang = true;
        return outcome;
      case ApiFault::kError:
        outcome.response = JsonError(500, "internal server error");
        break;
      case ApiFault::kRateLimited:
        outcome.response =
            WithRetryAfter(JsonError(429, "too many requests"), faults.retry_after_s);
        break;
      case ApiFault::kDown:
      case ApiFault::kNone:
        outcome.response = request.method == "GET" ? Serve(route, target.query, request)
                                                   : JsonError(405, "method not allowed");
        break;
    }
  }
  stats_.CountAnswer(outcome.response.status);
  return outcome;
}

ServerResponse ApiRoutes::Serve(const ApiRoute& route, std::string_view query,
                                const ServerRequest& request) const {
  const std::string base = RequestBase(request, settings_.public_url);
  switch (route.kind) {
    case ApiRoute::Kind::kEventList:
      return ServeList(query, base);
    case ApiRoute::Kind::kEvent: {
      const StoredEvent* event = store_.Find(route.id);
      if (event == nullptr) return JsonError(404, "event not found");
      return JsonOk(RenderWithBase(event->body_template, base));
    }
    case ApiRoute::Kind::kResource: {
      auto body = store_.RenderResource(route.resource, route.id, base);
      if (!body) return JsonError(404, std::string(InfoFor(route.resource).type) + " not found");
      return JsonOk(std::move(*body));
    }
    case ApiRoute::Kind::kNotFound:
      break;
  }
  return JsonError(404, "not found");
}

ServerResponse ApiRoutes::ServeList(std::string_view query, std::string_view base) const {
  size_t limit = kDefaultListLimit;
  if (const auto text = QueryParam(query, "limit")) {
    auto parsed = ParseBoundedInt(*text, kMinListLimit, kMaxListLimit, "limit");
    if (!parsed) return JsonErrorFor(parsed.error());
    limit = static_cast<size_t>(*parsed);
  }
  std::optional<ListCursor> cursor;
  if (const auto text = QueryParam(query, "cursor")) {
    auto decoded = DecodeCursor(*text);
    if (!decoded) return JsonErrorFor(decoded.error());
    cursor = *decoded;
  }
  auto page = store_.List(limit, cursor);
  if (!page) return JsonErrorFor(page.error());

  std::string body = "{\"type\":\"list\",\"data\":[";
  for (size_t i = 0; i < page->events.size(); ++i) {
    if (i > 0) body.push_back(',');
    AppendWithBase(body, page->events[i]->body_template, base);
  }
  body.append("],\"count\":").append(std::to_string(page->events.size())).append(",\"_links\":{");
  std::string self(base);
  self.append("/events");
  if (!query.empty()) {
    std::string escaped;
    AppendJsonString(escaped, query);
    self.append("?").append(std::string_view(escaped).substr(1, escaped.size() - 2));
  }
  body.append("\"self\":\"").append(self).append("\"");
  if (page->next) AppendLink(body, "next", PageLink(base, limit, *page->next));
  if (page->prev) AppendLink(body, "prev", PageLink(base, limit, *page->prev));
  body.append("}}");
  return JsonOk(std::move(body));
}

}  // namespace webhookd::sandbox
