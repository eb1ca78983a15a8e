// What the fault suites print when a check fails: elapsed time, log tails.
#pragma once

#include <chrono>
#include <string>

namespace webhookd::testing {

inline double SecondsSince(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

/// The end of a long log, enough to read why a run failed.
inline std::string Tail(const std::string& text, size_t bytes = 4000) {
  return text.size() <= bytes ? text : text.substr(text.size() - bytes);
}

}  // namespace webhookd::testing
