// The JSON bodies of the control API (/_sandbox/*), parsed and rendered.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/result.hpp"
#include "core/secret.hpp"
#include "core/url.hpp"
#include "sandbox/event_mix.hpp"
#include "sandbox/fault_plan.hpp"

namespace webhookd::sandbox {

/// Events take some 1.4 KB each: 5 million is about 7 GB, which the 24 GB
/// benchmark machine can spare next to the daemon and PostgreSQL.
inline constexpr int64_t kMaxEventsPerRequest = 5'000'000;
inline constexpr int64_t kMaxConcurrency = 256;

/// POST /_sandbox/events: `{"count":N,"type":"mixed"}`, both optional.
struct CreateRequest {
  size_t count = 1;
  EventMix mix;
};

/// POST /_sandbox/trigger: CreateRequest's fields plus where to deliver.
struct TriggerRequest {
  size_t count = 1;
  EventMix mix;
  Url to;                        ///< required
  size_t concurrency = 8;        ///< parallel keep-alive connections
  std::optional<Secret> secret;  ///< overrides --webhook-secret for this batch
};

/// POST /_sandbox/export: CreateRequest's fields plus the secret to sign with.
struct ExportRequest {
  size_t count = 1;
  EventMix mix;
  std::optional<Secret> secret;  ///< overrides --webhook-secret for this export
};

/// kBadRequest for malformed JSON, unknown fields or values out of range.
Result<CreateRequest> ParseCreateRequest(std::string_view body);
Result<TriggerRequest> ParseTriggerRequest(std::string_view body);
Result<ExportRequest> ParseExportRequest(std::string_view body);

/// `current` with the fields `body` names changed, validated as a whole.
Result<Faults> ApplyFaultChanges(const Faults& current, std::string_view body);

/// Every setting of `faults` as one JSON object.
std::string FaultsJson(const Faults& faults);

}  // namespace webhookd::sandbox
