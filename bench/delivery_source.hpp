// Loads the signed calls a run sends: from an export file or straight from the sandbox.
#pragma once

#include <vector>

#include "bench/load_options.hpp"
#include "bench/signed_delivery.hpp"
#include "core/result.hpp"

namespace webhookd::bench {

/// The calls of `source`, oldest event first. A file must parse as a whole;
/// from a sandbox the events are created by POST /_sandbox/export in chunks.
Result<std::vector<SignedDelivery>> LoadDeliveries(const RequestSource& source);

}  // namespace webhookd::bench
