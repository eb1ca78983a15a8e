// Starting paypro-loadgen and reading its summary.
#include "tests/support/load_run.hpp"

#include <fmt/format.h>
#include <simdjson.h>

#include "tests/support/harness.hpp"

namespace webhookd::testing {

namespace {

uint64_t Unsigned(simdjson::dom::element object, const char* key) {
  uint64_t value = 0;
  return object[key].get_uint64().get(value) == simdjson::SUCCESS ? value : 0;
}

double Number(simdjson::dom::element object, const char* key) {
  double value = 0;
  return object[key].get_double().get(value) == simdjson::SUCCESS ? value : 0;
}

}  // namespace

std::string LoadgenBinary() { return BinaryPath("PAYPRO_LOADGEN_BIN", WEBHOOKD_LOADGEN_BIN); }

uint64_t LoadSummary::Count(unsigned status) const {
  const auto found = statuses.find(status);
  return found == statuses.end() ? 0 : found->second;
}

std::optional<LoadSummary> ParseLoadSummary(const std::string& json) {
  simdjson::dom::parser parser;
  simdjson::dom::element root;
  if (parser.parse(json).get(root) != simdjson::SUCCESS || !root.is_object()) return std::nullopt;
  LoadSummary summary;
  summary.json = json;
  summary.sent = Unsigned(root, "sent");
  summary.answered = Unsigned(root, "answered");
  summary.errors = Unsigned(root, "errors");
  summary.unsent = Unsigned(root, "unsent");
  summary.achieved_rps = Number(root, "achieved_rps");
  simdjson::dom::object statuses;
  if (root["status"].get_object().get(statuses) == simdjson::SUCCESS) {
    for (const auto field : statuses) {
      uint64_t count = 0;
      if (field.value.get_uint64().get(count) != simdjson::SUCCESS) return std::nullopt;
      summary.statuses[static_cast<unsigned>(std::stoul(std::string(field.key)))] = count;
    }
  }
  simdjson::dom::element latency;
  if (root["latency_ms"].get(latency) != simdjson::SUCCESS) return std::nullopt;
  summary.p50_ms = Number(latency, "p50");
  summary.p99_ms = Number(latency, "p99");
  summary.p999_ms = Number(latency, "p99_9");
  summary.max_ms = Number(latency, "max");
  return summary;
}

LoadSettings OpenLoop(const std::string& target, const std::string& sandbox, double rate, double duration_s,
                      size_t connections) {
  LoadSettings settings;
  settings.target = target;
  settings.sandbox = sandbox;
  settings.events = static_cast<size_t>(rate * duration_s);
  settings.rate = rate;
  settings.duration_s = duration_s;
  settings.connections = connections;
  return settings;
}

LoadRun::LoadRun(const TempDir& dir, const std::string& name, const LoadSettings& settings) {
  std::vector<std::string> argv = {LoadgenBinary(),
                                   "--url",
                                   settings.target,
                                   "--sandbox",
                                   settings.sandbox,
                                   "--events",
                                   std::to_string(settings.events),
                                   "--duration-s",
                                   fmt::format("{}", settings.duration_s),
                                   "--connections",
                                   std::to_string(settings.connections),
                                   "--threads",
                                   std::to_string(settings.threads),
                                   "--timeout-ms",
                                   std::to_string(settings.timeout.count()),
                                   "--resign",
                                   "paypro",
                                   "--secret",
                                   kWebhookSecret};
  if (settings.rate) {
    argv.push_back("--rate");
    argv.push_back(fmt::format("{}", *settings.rate));
  }
  process_ = std::make_unique<ChildProcess>(argv, dir.File(name + ".log"));
}

std::optional<LoadSummary> LoadRun::Wait(std::chrono::milliseconds timeout) {
  if (process_->Wait(timeout) != 0) return std::nullopt;
  // The summary is the one line of stdout; stderr (same file) is empty on success.
  const std::string output = process_->Output();
  const size_t start = output.rfind("\n{", output.size() >= 2 ? output.size() - 2 : 0);
  return ParseLoadSummary(output.substr(start == std::string::npos ? 0 : start + 1));
}

}  // namespace webhookd::testing
