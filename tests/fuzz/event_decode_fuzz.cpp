// libFuzzer target: one JSON text through every decoder of PayPro's events and list pages.
//
// The input is used whole as a posted webhook body (ParsePostedEvent), a
// verified event (DecodeEvent, EventFields) and a GET /events answer
// (ParseEventsPage, against an API base at the root and one under /v1).
#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/url.hpp"
#include "handlers/event.hpp"
#include "handlers/event_fields.hpp"
#include "handlers/rfc3339.hpp"
#include "paypro/event_id.hpp"
#include "paypro/events_page.hpp"
#include "paypro/posted_event.hpp"
#include "tests/fuzz/fuzz_check.hpp"

namespace webhookd::fuzz {
namespace {

// Paths handlers read: the event's own fields and a field of every resource kind.
constexpr std::array<std::string_view, 18> kPaths = {
    "id", "type", "event_type", "created_at", "payload", "payload.id", "payload.type", "payload.amount",
    "payload.state", "payload.metadata", "payload.metadata.order_id", "payload.pay_method.id",
    "payload.customer.email", "payload.refunded_amount", "payload.period.start", "payload.bank_account",
    "_links.self", "payload._links.self"};

void DecodeAsPosted(std::string_view json) {
  const auto posted = ParsePostedEvent(json);
  if (!posted) return;
  FuzzCheck(IsValidEventId(posted->id), "a posted event has a valid id");
  FuzzCheck(posted->created_at.empty() || ParseRfc3339(posted->created_at).ok(),
            "a posted created_at hint is RFC 3339 or empty");
}

void ReadFields(std::string_view json, const Result<Event>& event) {
  auto fields = EventFields::Parse(json);
  if (event) FuzzCheck(fields.ok(), "a decoded event is an object EventFields reads");
  if (!fields) return;
  for (const std::string_view path : kPaths) {
    const auto value = fields->Get(path);
    if (value) (void)value->AsText();
  }
  if (!event) return;
  const auto id = fields->Get("id");
  FuzzCheck(id && id->kind == FieldValue::Kind::kString && id->text == event->id,
            "EventFields reads the id DecodeEvent decoded");
  const auto type = fields->Get("event_type");
  FuzzCheck(type && type->text == event->type_name, "EventFields reads the event_type DecodeEvent decoded");
}

void DecodeAsEvent(std::string_view json) {
  const Result<Event> event = DecodeEvent(json);
  if (event) {
    FuzzCheck(IsValidEventId(event->id), "a decoded event has a valid id");
    FuzzCheck(event->json == json, "a decoded event keeps its JSON as received");
    FuzzCheck(event->type == ParseEventType(event->type_name), "the event type matches its name");
  }
  ReadFields(json, event);
}

// Whether a segment of `path` is "." or "..", which a server resolves upwards.
bool HasDotSegment(std::string_view path) {
  while (!path.empty()) {
    const size_t end = path.find('/');
    const std::string_view segment = path.substr(0, end);
    if (segment == "." || segment == "..") return true;
    path = end == std::string_view::npos ? std::string_view() : path.substr(end + 1);
  }
  return false;
}

// A next target is appended to the API's base path by the client, so it must
// keep the request under that path: empty, a query, or a path below it.
void DecodeAsPage(std::string_view json, const Url& api_base) {
  const auto page = ParseEventsPage(json, api_base);
  if (!page) return;
  for (const ListedEvent& listed : page->events) {
    FuzzCheck(IsValidEventId(listed.id), "a listed event has a valid id");
    const auto created = ParseRfc3339(listed.created_at);
    FuzzCheck(created && *created == listed.created_at_us, "a listed event's time is its created_at");
  }
  if (page->next_target) {
    const std::string& target = *page->next_target;
    FuzzCheck(target.empty() || target.starts_with('/') || target.starts_with('?'),
              "the next page stays under the API's base path");
    FuzzCheck(!HasDotSegment(std::string_view(target).substr(0, target.find('?'))),
              "the next page's path has no dot segments");
  }
}

}  // namespace
}  // namespace webhookd::fuzz

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace webhookd;
  using namespace webhookd::fuzz;
  static const Url kRootBase = ParseUrl("https://api.paypro.nl").value();
  static const Url kPathBase = ParseUrl("https://api.paypro.nl/v1").value();
  const std::string_view json(reinterpret_cast<const char*>(data), size);
  DecodeAsPosted(json);
  DecodeAsEvent(json);
  DecodeAsPage(json, kRootBase);
  DecodeAsPage(json, kPathBase);
  return 0;
}
