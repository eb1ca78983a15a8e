// Serialises sandbox resources in the shape of PayPro's API samples.
#pragma once

#include <string>

#include "sandbox/resource.hpp"

namespace webhookd::sandbox {

/// `resource` as PayPro's JSON object, `_links` included, with kBaseMarker
/// where the base URL goes (see base_template.hpp).
std::string ResourceTemplate(const Resource& resource);

}  // namespace webhookd::sandbox
