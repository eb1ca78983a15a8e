// How big the fault suites run: short in every scripts/test, long with --long.
#pragma once

#include <cstdlib>
#include <string_view>

namespace webhookd::testing {

/// True when the long versions were asked for (`scripts/test --long` sets
/// WEBHOOKD_FAULTS=long): more events, more kills, outages of minutes.
inline bool LongFaultRun() {
  const char* scale = std::getenv("WEBHOOKD_FAULTS");
  return scale != nullptr && std::string_view(scale) == "long";
}

/// `short_value` in the everyday run, `long_value` in the long one.
template <typename T>
T ByScale(T short_value, T long_value) {
  return LongFaultRun() ? long_value : short_value;
}

}  // namespace webhookd::testing
