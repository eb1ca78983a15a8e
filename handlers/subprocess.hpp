// Running a program with a deadline, in its own process group, output captured.
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "core/result.hpp"

namespace webhookd {

/// What to run and how.
struct SubprocessRequest {
  std::vector<std::string> argv;  ///< argv[0]: a path, or a name looked up in PATH
  std::vector<std::string>
      extra_env;      ///< "NAME=value", added to (or replacing) the daemon's environment
  std::string input;  ///< written to stdin, which is then closed
  std::chrono::milliseconds timeout{30000};
  size_t max_output_bytes =
      8192;  ///< kept of stdout and of stderr each; the rest is read and dropped
};

/// The start of one output stream and how long it was.
struct CapturedOutput {
  std::string kept;
  size_t total_bytes = 0;
  bool truncated() const { return total_bytes > kept.size(); }
};

/// How a run ended.
struct SubprocessResult {
  bool timed_out = false;  ///< the deadline passed and the process group was killed
  int exit_code = -1;      ///< when it exited by itself
  int signal = 0;          ///< when a signal ended it (SIGKILL after a timeout)
  CapturedOutput out;
  CapturedOutput err;
  std::chrono::milliseconds elapsed{0};

  bool succeeded() const { return !timed_out && signal == 0 && exit_code == 0; }
};

/// Runs argv without a shell in a new process group, with every descriptor
/// but stdin/stdout/stderr closed and signal dispositions at their defaults.
/// Reads both outputs as they come so the child never blocks on a full pipe.
/// Returns once the child has exited; at the deadline kills the whole group
/// (SIGKILL to -pgid) first. Always reaps the child. Background processes the
/// child leaves behind after a normal exit are its own business. A stdin the
/// child does not read is not an error; SIGPIPE is blocked in the calling
/// thread while it writes. kUnavailable when the program cannot be started
/// (the detail names it and why), kInternal when pipes cannot be made.
Result<SubprocessResult> RunSubprocess(const SubprocessRequest& request);

}  // namespace webhookd
