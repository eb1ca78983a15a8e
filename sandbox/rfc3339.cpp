// RFC 3339 formatting of Unix seconds.
#include "sandbox/rfc3339.hpp"

#include <fmt/format.h>

#include <ctime>

namespace webhookd::sandbox {

std::string FormatRfc3339(int64_t unix_seconds) {
  const std::time_t time = static_cast<std::time_t>(unix_seconds);
  std::tm utc{};
  gmtime_r(&time, &utc);
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z", utc.tm_year + 1900, utc.tm_mon + 1,
                     utc.tm_mday, utc.tm_hour, utc.tm_min, utc.tm_sec);
}

}  // namespace webhookd::sandbox
