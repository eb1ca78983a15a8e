// Reading the sandbox's delivery counters.
#include "tests/support/delivery_report.hpp"

#include <fmt/format.h>
#include <simdjson.h>

#include <stdexcept>

namespace webhookd::testing {

namespace {

// Long polls stay under the control client's 10 s request deadline.
constexpr int kPollMs = 5000;

}  // namespace

DeliveryReport ParseDeliveryReport(const std::string& json) {
  DeliveryReport report;
  report.json = json;
  report.pending = JsonInt(json, "pending");
  report.acknowledged = JsonInt(json, "acknowledged");
  report.failed = JsonInt(json, "failed");
  report.dropped = JsonInt(json, "dropped");
  report.duplicates_sent = JsonInt(json, "duplicates_sent");
  report.attempts = JsonInt(json, "attempts");
  simdjson::dom::parser parser;
  simdjson::dom::object answers;
  if (parser.parse(json)["answers"].get_object().get(answers) != simdjson::SUCCESS) {
    throw std::runtime_error("no answers in " + json);
  }
  for (const auto field : answers) report.answers[std::string(field.key)] = field.value.get_int64().value();
  return report;
}

DeliveryReport WaitForDeliveries(Sandbox& sandbox, std::chrono::seconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  DeliveryReport report;
  do {
    report = ParseDeliveryReport(sandbox.Get(fmt::format("/_sandbox/deliveries?wait_ms={}", kPollMs)).body);
  } while (report.pending > 0 && std::chrono::steady_clock::now() < deadline);
  return report;
}

void TriggerDeliveries(Sandbox& sandbox, const std::string& to, int count, const std::string& type) {
  const ClientResponse response = sandbox.Post(
      "/_sandbox/trigger", fmt::format(R"({{"count":{},"type":"{}","to":"{}","concurrency":8}})", count, type, to));
  if (response.status != 200) throw std::runtime_error("trigger refused: " + response.body);
}

}  // namespace webhookd::testing
