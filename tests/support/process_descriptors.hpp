// File descriptor limits and counts of a process, read from /proc.
#pragma once

#include <sys/resource.h>
#include <sys/types.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <string_view>

namespace webhookd::testing {

/// The soft RLIMIT_NOFILE of process `pid`; -1 when unreadable.
inline long DescriptorLimit(pid_t pid) {
  constexpr std::string_view kLabel = "Max open files";
  std::ifstream limits("/proc/" + std::to_string(pid) + "/limits");
  std::string line;
  while (std::getline(limits, line)) {
    if (line.starts_with(kLabel)) return std::stol(line.substr(kLabel.size()));
  }
  return -1;
}

/// How many descriptors process `pid` has open.
inline long OpenDescriptors(pid_t pid) {
  const std::filesystem::directory_iterator entries("/proc/" + std::to_string(pid) + "/fd");
  return std::distance(std::filesystem::begin(entries), std::filesystem::end(entries));
}

/// Lifts this process's soft RLIMIT_NOFILE to `needed` when the hard limit allows.
inline void RaiseOwnDescriptorLimit(rlim_t needed) {
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur < needed &&
      limit.rlim_max >= needed) {
    limit.rlim_cur = needed;
    setrlimit(RLIMIT_NOFILE, &limit);
  }
}

}  // namespace webhookd::testing
