// Merging tallies and writing the summary.
#include "bench/load_tally.hpp"

#include "core/json_writer.hpp"

namespace webhookd::bench {

namespace {

double Ms(std::chrono::nanoseconds value) { return static_cast<double>(value.count()) / 1e6; }

int64_t AsInt(uint64_t value) { return static_cast<int64_t>(value); }

}  // namespace

void LoadTally::Merge(const LoadTally& other) {
  sent += other.sent;
  for (const auto& [status, count] : other.statuses) statuses[status] += count;
  for (const auto& [stage, count] : other.errors) errors[stage] += count;
  unsent += other.unsent;
  latency.Merge(other.latency);
  last_answer = std::max(last_answer, other.last_answer);
}

uint64_t LoadTally::answered() const {
  uint64_t total = 0;
  for (const auto& [status, count] : statuses) total += count;
  return total;
}

uint64_t LoadTally::failed() const {
  uint64_t total = 0;
  for (const auto& [stage, count] : errors) total += count;
  return total;
}

std::string SummaryJson(const LoadTally& tally, const RunFacts& facts) {
  const LoadPlan& plan = *facts.plan;
  const double elapsed_s = static_cast<double>(tally.last_answer.count()) / 1e9;
  uint64_t ok = 0;
  for (const auto& [status, count] : tally.statuses) ok += status / 100 == 2 ? count : 0;
  const auto per_second = [&](uint64_t count) {
    return elapsed_s > 0 ? static_cast<double>(count) / elapsed_s : 0;
  };
  const double duration_s = static_cast<double>(plan.duration.count()) / 1e9;

  JsonWriter json;
  json.BeginObject();
  json.Key("mode").String(plan.rate ? "open" : "closed");
  if (plan.rate) json.Key("target_rps").Double(*plan.rate);
  json.Key("duration_s").Double(duration_s);
  json.Key("connections").Int(AsInt(facts.connections)).Key("threads").Int(AsInt(facts.threads));
  json.Key("connection_close").Bool(facts.connection_close);
  json.Key("requests_loaded").Int(AsInt(facts.requests_loaded));
  json.Key("sent").Int(AsInt(tally.sent)).Key("answered").Int(AsInt(tally.answered()));
  json.Key("status").BeginObject();
  for (const auto& [status, count] : tally.statuses)
    json.Key(std::to_string(status)).Int(AsInt(count));
  json.EndObject();
  json.Key("errors").Int(AsInt(tally.failed())).Key("error_stages").BeginObject();
  for (const auto& [stage, count] : tally.errors) json.Key(stage).Int(AsInt(count));
  json.EndObject();
  json.Key("unsent").Int(AsInt(tally.unsent));
  json.Key("exhausted")
      .Bool(!plan.rate && tally.sent >= facts.requests_loaded && elapsed_s < duration_s);
  json.Key("start_unix_s").Double(facts.start_unix_s).Key("elapsed_s").Double(elapsed_s);
  json.Key("achieved_rps")
      .Double(per_second(tally.answered()))
      .Key("ok_rps")
      .Double(per_second(ok));
  json.Key("client_cpu_s").Double(facts.client_cpu_s);
  json.Key("latency_ms").BeginObject();
  json.Key("min").Double(Ms(tally.latency.min())).Key("mean").Double(Ms(tally.latency.mean()));
  json.Key("p50").Double(Ms(tally.latency.ValueAtQuantile(0.5)));
  json.Key("p90").Double(Ms(tally.latency.ValueAtQuantile(0.9)));
  json.Key("p99").Double(Ms(tally.latency.ValueAtQuantile(0.99)));
  json.Key("p99_9").Double(Ms(tally.latency.ValueAtQuantile(0.999)));
  json.Key("max").Double(Ms(tally.latency.max()));
  json.EndObject();
  json.EndObject();
  return json.Take();
}

}  // namespace webhookd::bench
