// Finding and killing the programs this process started (exec handlers' runs).
#pragma once

#include <sys/types.h>

#include <optional>
#include <string_view>

namespace webhookd {

/// The fields of /proc/<pid>/stat that say whose child a process is.
struct ProcStat {
  pid_t pid = 0;
  pid_t parent = 0;
  pid_t group = 0;  ///< process group id
};

/// Parses the text of /proc/<pid>/stat (pure); nullopt when malformed. The
/// command name in parentheses may hold spaces and ')' itself, so the fields
/// after it are read from the last ')'.
std::optional<ProcStat> ParseProcStat(std::string_view text);

/// Sends SIGKILL to the process group of every child of this process that
/// leads its own group, as RunSubprocess starts them: the program and what
/// it started. Returns how many groups. A group leader that is not yet
/// reaped keeps its id, so the id cannot name someone else's group.
int KillChildProcessGroups();

}  // namespace webhookd
