// FuzzCheck: a property that must hold for every input; a violation is a crash libFuzzer records.
#pragma once

#include <cstdio>
#include <cstdlib>

namespace webhookd::fuzz {

/// Aborts, naming `property`, when `holds` is false. abort() rather than an
/// exception so that libFuzzer saves the input as a crash, like a sanitizer
/// report.
inline void FuzzCheck(bool holds, const char* property) {
  if (holds) return;
  std::fprintf(stderr, "fuzz property violated: %s\n", property);
  std::abort();
}

}  // namespace webhookd::fuzz
