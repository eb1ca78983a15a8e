// Starting the real binaries from tests: spawn, signal, wait, read their output.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <map>
#include <string>
#include <vector>

namespace webhookd::testing {

/// A child process whose stdout and stderr go to one log file. The
/// destructor kills it (SIGKILL) if it is still running.
class ChildProcess {
 public:
  ChildProcess(std::vector<std::string> argv, std::string log_path,
               std::map<std::string, std::string> extra_env = {});
  ~ChildProcess();
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  pid_t pid() const { return pid_; }
  bool running();
  void Signal(int signal);
  /// Waits for exit up to `timeout`; the exit code, or -signal, or -1000 on timeout.
  int Wait(std::chrono::milliseconds timeout);
  /// Everything it printed so far.
  std::string Output() const;
  /// Waits until the output contains `text`; false on timeout or exit.
  bool WaitForOutput(const std::string& text, std::chrono::milliseconds timeout);
  const std::string& log_path() const { return log_path_; }

 private:
  pid_t pid_ = -1;
  int status_ = 0;
  bool exited_ = false;
  std::string log_path_;
};

/// A path from the environment (set by scripts/test), or the build tree.
std::string BinaryPath(const char* env_name, const char* fallback);

/// A fresh empty directory under $TMPDIR, removed by the destructor.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  const std::string& path() const { return path_; }
  std::string File(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

/// A TCP port on 127.0.0.1 that was free a moment ago.
uint16_t FreePort();

/// Writes `text` to `path`.
void WriteFile(const std::string& path, const std::string& text);

/// Reads `path` whole ("" when missing).
std::string ReadFile(const std::string& path);

/// Polls `condition` every 50 ms until true or `timeout`.
template <typename Condition>
bool Eventually(Condition condition, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (condition()) return true;
    struct timespec pause {0, 50'000'000};
    nanosleep(&pause, nullptr);
  }
  return condition();
}

}  // namespace webhookd::testing
