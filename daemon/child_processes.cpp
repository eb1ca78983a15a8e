// Children found through /proc: Linux has no call that lists them.
#include "daemon/child_processes.hpp"

#include <signal.h>
#include <unistd.h>

#include <charconv>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace webhookd {

namespace {

// Reads one integer field and the spaces before it; false when there is none.
bool ReadField(std::string_view& text, pid_t& out) {
  while (!text.empty() && text.front() == ' ') text.remove_prefix(1);
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), out);
  if (error != std::errc() || end == text.data()) return false;
  text.remove_prefix(static_cast<size_t>(end - text.data()));
  return true;
}

}  // namespace

std::optional<ProcStat> ParseProcStat(std::string_view text) {
  ProcStat stat;
  std::string_view head = text;
  if (!ReadField(head, stat.pid)) return std::nullopt;
  const size_t close = text.rfind(')');
  if (close == std::string_view::npos) return std::nullopt;
  // After the name: " <state> <ppid> <pgrp> ..."
  std::string_view rest = text.substr(close + 1);
  while (!rest.empty() && rest.front() == ' ') rest.remove_prefix(1);
  if (rest.empty()) return std::nullopt;
  rest.remove_prefix(1);
  if (!ReadField(rest, stat.parent) || !ReadField(rest, stat.group)) return std::nullopt;
  return stat;
}

int KillChildProcessGroups() {
  const pid_t self = ::getpid();
  int killed = 0;
  std::error_code error;
  for (const auto& entry : std::filesystem::directory_iterator("/proc", error)) {
    const std::string name = entry.path().filename().string();
    if (name.empty() || name.find_first_not_of("0123456789") != std::string::npos) continue;
    std::ifstream file(entry.path() / "stat");
    std::stringstream text;
    text << file.rdbuf();
    const std::optional<ProcStat> stat = ParseProcStat(text.str());
    if (!stat || stat->parent != self || stat->group != stat->pid) continue;
    if (::kill(-stat->group, SIGKILL) == 0) ++killed;
  }
  return killed;
}

}  // namespace webhookd
