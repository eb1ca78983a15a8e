// PayPro's timestamp format: RFC 3339 in UTC with whole seconds.
#pragma once

#include <cstdint>
#include <string>

namespace webhookd::sandbox {

/// 1702292162 -> "2023-12-11T10:56:02Z".
std::string FormatRfc3339(int64_t unix_seconds);

}  // namespace webhookd::sandbox
