// Which event types a batch of generated events has.
#pragma once

#include <string_view>
#include <vector>

#include "core/result.hpp"

namespace webhookd::sandbox {

/// How a batch chooses its event types.
enum class MixKind : uint8_t {
  kSingle,     ///< one type only, each event about a fresh resource
  kMixed,      ///< a realistic mix over all kinds, reusing resources
  kLifecycle,  ///< per payment: payment.created, payment.started, payment.paid
};

struct EventMix {
  MixKind kind = MixKind::kMixed;
  std::string_view type;  ///< for kSingle: an entry of GeneratedEventTypes()
};

/// Every type the sandbox generates: the documented ones (KnownEventTypes)
/// and some our enum does not know, because real PayPro sends such too.
const std::vector<std::string_view>& GeneratedEventTypes();

/// "mixed", "lifecycle", or one of GeneratedEventTypes(); kBadRequest otherwise.
Result<EventMix> ParseEventMix(std::string_view text);

}  // namespace webhookd::sandbox
