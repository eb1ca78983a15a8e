// Control API routing and answers.
#include "sandbox/control_routes.hpp"

#include "core/json_writer.hpp"
#include "sandbox/base_template.hpp"
#include "sandbox/control_requests.hpp"
#include "sandbox/delivery_export.hpp"
#include "sandbox/route_helpers.hpp"

namespace webhookd::sandbox {

namespace {

// Above this a POST /_sandbox/events answer leaves the events out: tests
// that make that many read them through the API instead.
constexpr size_t kMaxEventsInAnswer = 1000;
constexpr int64_t kMaxWaitMs = 600000;

void StatusCounts(JsonWriter& json, const std::map<unsigned, uint64_t>& counts) {
  json.Key("answers").BeginObject();
  for (const auto& [status, count] : counts) {
    json.Key(status == 0 ? "no_answer" : std::to_string(status)).Int(static_cast<int64_t>(count));
  }
  json.EndObject();
}

int64_t AsInt(uint64_t value) { return static_cast<int64_t>(value); }

int64_t UnixNow() {
  const auto since_epoch = std::chrono::system_clock::now().time_since_epoch();
  return std::chrono::duration_cast<std::chrono::seconds>(since_epoch).count();
}

}  // namespace

bool IsControlTarget(std::string_view target) {
  return target.starts_with(kControlPrefix) &&
         (target.size() == kControlPrefix.size() || target[kControlPrefix.size()] == '/' ||
          target[kControlPrefix.size()] == '?');
}

ControlRoutes::ControlRoutes(EventStore& store, FaultPlan& faults, ApiStats& stats,
                             DeliveryLedger& ledger, WebhookSender& sender,
                             ControlSettings settings)
    : store_(store),
      faults_(faults),
      stats_(stats),
      ledger_(ledger),
      sender_(sender),
      settings_(std::move(settings)) {}

ControlOutcome ControlRoutes::Handle(const ServerRequest& request) {
  const Target target = SplitTarget(request.target);
  std::string_view path = target.path.substr(kControlPrefix.size());
  if (path.size() > 1 && path.back() == '/') path.remove_suffix(1);
  const bool get = request.method == "GET";
  const bool post = request.method == "POST";
  const auto answer = [](ServerResponse response) {
    return ControlOutcome{std::move(response), {}};
  };

  if (path == "/events" && post) return answer(CreateEvents(request));
  if (path == "/trigger" && post) return answer(Trigger(request));
  if (path == "/export" && post) return answer(Export(request));
  if (path == "/deliveries" && get) return Deliveries(target.query);
  if (path == "/deliveries/acknowledged" && get) {
    return answer(IdsAnswer(DeliveryOutcome::kAcknowledged));
  }
  if (path == "/deliveries/failed" && get) return answer(IdsAnswer(DeliveryOutcome::kFailed));
  if (path == "/deliveries/dropped" && get) return answer(IdsAnswer(DeliveryOutcome::kDropped));
  if (path == "/faults" && get) return answer(JsonOk(FaultsJson(faults_.faults())));
  if (path == "/faults" && post) return answer(SetFaults(request));
  if (path == "/stats" && get) return answer(StatsAnswer());
  if (path.starts_with("/stats/fetches/") && get) {
    return answer(FetchesAnswer(path.substr(std::string_view("/stats/fetches/").size())));
  }
  if (path == "/reset-stats" && post) {
    stats_.Reset();
    ledger_.Reset();
    return answer(JsonOk(R"({"reset":true})"));
  }
  for (std::string_view known :
       {"/events", "/trigger", "/export", "/deliveries", "/faults", "/stats", "/reset-stats"}) {
    if (path == known) return answer(JsonError(405, "method not allowed"));
  }
  return answer(JsonError(404, "no such control route"));
}

ServerResponse ControlRoutes::CreateEvents(const ServerRequest& request) {
  auto parsed = ParseCreateRequest(request.body);
  if (!parsed) return JsonErrorFor(parsed.error());
  const auto events = store_.Create(parsed->mix, parsed->count);
  JsonWriter json;
  json.BeginObject().Key("created").Int(AsInt(events.size()));
  if (events.size() <= kMaxEventsInAnswer) {
    const std::string base = RequestBase(request, settings_.public_url);
    json.Key("events").BeginArray();
    for (const StoredEvent* event : events) json.Raw(RenderWithBase(event->body_template, base));
    json.EndArray();
  }
  json.EndObject();
  return JsonOk(json.Take());
}

ServerResponse ControlRoutes::Trigger(const ServerRequest& request) {
  auto parsed = ParseTriggerRequest(request.body);
  if (!parsed) return JsonErrorFor(parsed.error());
  const Faults faults = faults_.faults();
  DeliveryBatch batch;
  batch.to = parsed->to;
  batch.secret = parsed->secret ? *parsed->secret : settings_.webhook_secret;
  batch.ca_file = settings_.webhook_ca_file;
  batch.escaped_base = RequestBase(request, settings_.public_url);
  batch.concurrency = parsed->concurrency;
  batch.max_attempts = static_cast<int>(faults.max_delivery_attempts);
  batch.events = store_.Create(parsed->mix, parsed->count);
  batch.fates.reserve(batch.events.size());
  for (size_t i = 0; i < batch.events.size(); ++i) {
    batch.fates.push_back(faults_.DrawDeliveryFate(faults));
  }
  const size_t created = batch.events.size();
  const std::string batch_id = "batch-" + std::to_string(++batches_);
  sender_.Start(std::move(batch));
  JsonWriter json;
  json.BeginObject().Key("created").Int(AsInt(created)).Key("batch").String(batch_id).EndObject();
  return JsonOk(json.Take());
}

ServerResponse ControlRoutes::Export(const ServerRequest& request) {
  auto parsed = ParseExportRequest(request.body);
  if (!parsed) return JsonErrorFor(parsed.error());
  const auto events = store_.Create(parsed->mix, parsed->count);
  const Secret& secret = parsed->secret ? *parsed->secret : settings_.webhook_secret;
  ServerResponse response;
  response.content_type = "application/x-ndjson";
  response.body =
      ExportDeliveries(events, RequestBase(request, settings_.public_url), secret, UnixNow());
  return response;
}

ServerResponse ControlRoutes::SetFaults(const ServerRequest& request) {
  auto faults = ApplyFaultChanges(faults_.faults(), request.body);
  if (!faults) return JsonErrorFor(faults.error());
  faults_.Set(*faults);
  return JsonOk(FaultsJson(*faults));
}

ControlOutcome ControlRoutes::Deliveries(std::string_view query) const {
  ControlOutcome outcome;
  if (const auto wait = QueryParam(query, "wait_ms")) {
    auto wait_ms = ParseBoundedInt(*wait, 0, kMaxWaitMs, "wait_ms");
    if (!wait_ms) return ControlOutcome{JsonErrorFor(wait_ms.error()), {}};
    outcome.wait_for_idle = std::chrono::milliseconds(*wait_ms);
  }
  outcome.response = DeliveriesAnswer();
  return outcome;
}

ServerResponse ControlRoutes::DeliveriesAnswer() const {
  const DeliverySummary summary = ledger_.Summary();
  JsonWriter json;
  json.BeginObject();
  json.Key("pending").Int(AsInt(summary.pending));
  json.Key("acknowledged").Int(AsInt(summary.acknowledged));
  json.Key("failed").Int(AsInt(summary.failed)).Key("dropped").Int(AsInt(summary.dropped));
  json.Key("duplicates_sent").Int(AsInt(summary.duplicates_sent));
  json.Key("attempts").Int(AsInt(summary.attempts));
  StatusCounts(json, summary.answers);
  json.EndObject();
  return JsonOk(json.Take());
}

ServerResponse ControlRoutes::IdsAnswer(DeliveryOutcome outcome) const {
  JsonWriter json;
  json.BeginObject().Key("ids").BeginArray();
  for (const std::string& id : ledger_.Ids(outcome)) json.String(id);
  json.EndArray().EndObject();
  return JsonOk(json.Take());
}

ServerResponse ControlRoutes::StatsAnswer() const {
  const ApiStatsSnapshot stats = stats_.Snapshot();
  JsonWriter json;
  json.BeginObject();
  json.Key("api_requests").Int(AsInt(stats.api_requests));
  json.Key("event_fetches").Int(AsInt(stats.event_fetches));
  json.Key("list_requests").Int(AsInt(stats.list_requests));
  json.Key("unauthorized").Int(AsInt(stats.unauthorized));
  json.Key("timeouts").Int(AsInt(stats.timeouts)).Key("events").Int(AsInt(store_.size()));
  StatusCounts(json, stats.answers);
  json.EndObject();
  return JsonOk(json.Take());
}

ServerResponse ControlRoutes::FetchesAnswer(std::string_view event_id) const {
  JsonWriter json;
  json.BeginObject();
  json.Key("id").String(event_id);
  json.Key("fetches").Int(AsInt(stats_.Fetches(event_id))).EndObject();
  return JsonOk(json.Take());
}

}  // namespace webhookd::sandbox
