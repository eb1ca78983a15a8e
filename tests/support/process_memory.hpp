// Memory of a process, read from /proc/<pid>/status.
#pragma once

#include <sys/types.h>

#include <fstream>
#include <string>
#include <string_view>

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define WEBHOOKD_TESTS_SANITIZED 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer)
#define WEBHOOKD_TESTS_SANITIZED 1
#endif
#endif

namespace webhookd::testing {

/// False in ASan and TSan builds (the binaries under test are built alike):
/// their shadow memory and quarantine make resident-memory figures meaningless.
#ifdef WEBHOOKD_TESTS_SANITIZED
inline constexpr bool kMemoryIsMeasurable = false;
#else
inline constexpr bool kMemoryIsMeasurable = true;
#endif

/// A kB field of /proc/`pid`/status ("VmRSS", "VmHWM"); -1 when unreadable.
inline long ProcessStatusKb(pid_t pid, std::string_view field) {
  std::ifstream status("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.size() > field.size() && line.starts_with(field) && line[field.size()] == ':') {
      return std::stol(line.substr(field.size() + 1));
    }
  }
  return -1;
}

/// Resident memory now, in kB.
inline long ResidentKb(pid_t pid) { return ProcessStatusKb(pid, "VmRSS"); }

/// The most resident memory the process ever had (its high-water mark), in kB.
inline long PeakResidentKb(pid_t pid) { return ProcessStatusKb(pid, "VmHWM"); }

}  // namespace webhookd::testing
