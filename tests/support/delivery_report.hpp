// What the sandbox says about its webhook deliveries, parsed for assertions.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <string>

#include "tests/support/harness.hpp"

namespace webhookd::testing {

/// GET /_sandbox/deliveries: counts of events and of delivery attempts.
struct DeliveryReport {
  int64_t pending = 0;
  int64_t acknowledged = 0;
  int64_t failed = 0;
  int64_t dropped = 0;
  int64_t duplicates_sent = 0;
  int64_t attempts = 0;
  std::map<std::string, int64_t> answers;  ///< by status ("200", "503", "no_answer")
  std::string json;                        ///< as the sandbox sent it, for messages
};

/// Parses the body of GET /_sandbox/deliveries.
DeliveryReport ParseDeliveryReport(const std::string& json);

/// Waits until nothing is pending (or `timeout` passed) and returns the report.
DeliveryReport WaitForDeliveries(Sandbox& sandbox, std::chrono::seconds timeout);

/// Starts delivering `count` new events of `type` to `to` (POST /_sandbox/trigger).
void TriggerDeliveries(Sandbox& sandbox, const std::string& to, int count, const std::string& type);

}  // namespace webhookd::testing
