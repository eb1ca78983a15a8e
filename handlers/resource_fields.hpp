// The payload fields each PayPro resource kind can have, for checking placeholder paths.
#pragma once

#include <span>
#include <string_view>

#include "handlers/resource.hpp"

namespace webhookd {

/// The JSON keys a payload of `kind` can hold at its top level: `id`, `type`
/// and the fields of the matching struct in handlers/resource.hpp, named as
/// PayPro sends them (`pay_method`, not `pay_method_json`). Empty for
/// kUnknown, whose shape is not known.
std::span<const std::string_view> ResourceFieldNames(ResourceKind kind);

}  // namespace webhookd
