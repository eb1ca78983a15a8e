// posix_spawn, a poll() loop over the child's pipes, and a deadline.
#include "handlers/subprocess.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <optional>
#include <string_view>
#include <utility>

extern char** environ;

namespace webhookd {

namespace {

using Clock = std::chrono::steady_clock;

constexpr size_t kReadChunk = 65536;
// Reads per wake-up from one pipe, so a child that writes as fast as we read
// cannot keep us past the deadline.
constexpr int kMaxReadsPerWake = 16;
// A wait status no child can have: waitpid could not tell how it ended.
constexpr int kUnknownStatus = -1;

// A file descriptor closed when it goes out of scope.
class OwnedFd {
 public:
  OwnedFd() = default;
  explicit OwnedFd(int fd) : fd_(fd) {}
  OwnedFd(OwnedFd&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}
  OwnedFd& operator=(OwnedFd&&) = delete;
  ~OwnedFd() { Close(); }
  int get() const { return fd_; }
  bool open() const { return fd_ >= 0; }
  void Close() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }

 private:
  int fd_ = -1;
};

struct Pipe {
  OwnedFd read;
  OwnedFd write;
};

// O_CLOEXEC so that no other child spawned meanwhile, by any thread, inherits
// our ends; the child's own ends reach it through dup2, which clears the flag.
std::optional<Pipe> MakePipe() {
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) return std::nullopt;
  return Pipe{OwnedFd(fds[0]), OwnedFd(fds[1])};
}

// The daemon's environment with the entries `extra` names replaced by `extra`.
std::vector<std::string> ChildEnvironment(const std::vector<std::string>& extra) {
  const auto name_of = [](std::string_view entry) { return entry.substr(0, entry.find('=')); };
  std::vector<std::string> env;
  for (char** entry = environ; entry != nullptr && *entry != nullptr; ++entry) {
    const bool replaced = std::any_of(extra.begin(), extra.end(), [&](const std::string& added) {
      return name_of(added) == name_of(*entry);
    });
    if (!replaced) env.emplace_back(*entry);
  }
  env.insert(env.end(), extra.begin(), extra.end());
  return env;
}

std::vector<char*> NullTerminated(std::vector<std::string>& strings) {
  std::vector<char*> pointers;
  for (std::string& text : strings) pointers.push_back(text.data());
  pointers.push_back(nullptr);
  return pointers;
}

// Blocks SIGPIPE in this thread while it feeds the child: a child that exits
// without reading its stdin must cost an EPIPE, not the daemon. A SIGPIPE
// raised meanwhile is consumed before the old mask returns.
class SigpipeBlocked {
 public:
  SigpipeBlocked() {
    sigemptyset(&sigpipe_);
    sigaddset(&sigpipe_, SIGPIPE);
    pthread_sigmask(SIG_BLOCK, &sigpipe_, &previous_);
  }
  ~SigpipeBlocked() {
    if (!sigismember(&previous_, SIGPIPE)) {
      const timespec no_wait{};
      while (sigtimedwait(&sigpipe_, nullptr, &no_wait) == SIGPIPE) {
      }
    }
    pthread_sigmask(SIG_SETMASK, &previous_, nullptr);
  }
  SigpipeBlocked(const SigpipeBlocked&) = delete;
  SigpipeBlocked& operator=(const SigpipeBlocked&) = delete;

 private:
  sigset_t sigpipe_;
  sigset_t previous_;
};

// Kills and reaps the child unless it was reaped already, so that no path,
// exceptions included, leaves a running child or a zombie behind.
class ChildGuard {
 public:
  explicit ChildGuard(pid_t pid) : pid_(pid) {}
  ~ChildGuard() {
    if (pid_ > 0) {
      ::kill(-pid_, SIGKILL);
      Wait();
    }
  }
  ChildGuard(const ChildGuard&) = delete;
  ChildGuard& operator=(const ChildGuard&) = delete;

  // True once the child has ended; its wait status is then in `status`.
  bool Reaped(int& status) {
    const pid_t reaped = ::waitpid(pid_, &status, WNOHANG);
    if (reaped == 0 || (reaped < 0 && errno == EINTR)) return false;
    // ECHILD: someone reaped it for us (SIGCHLD ignored process-wide).
    if (reaped < 0) status = kUnknownStatus;
    pid_ = -1;
    return true;
  }
  // The group keeps its id while the unreaped leader exists, so -pid cannot
  // name someone else's group here.
  void KillGroup() { ::kill(-pid_, SIGKILL); }
  int Wait() {
    int status = 0;
    pid_t reaped = 0;
    while ((reaped = ::waitpid(pid_, &status, 0)) < 0 && errno == EINTR) {
    }
    pid_ = -1;
    return reaped < 0 ? kUnknownStatus : status;
  }

 private:
  pid_t pid_;
};

// Reads what `fd` has now; closes it at end of file or on an error.
void ReadAvailable(OwnedFd& fd, CapturedOutput& output, size_t limit) {
  char buffer[kReadChunk];
  for (int reads = 0; reads < kMaxReadsPerWake && fd.open(); ++reads) {
    const ssize_t got = ::read(fd.get(), buffer, sizeof(buffer));
    if (got > 0) {
      const size_t room = limit - std::min(limit, output.kept.size());
      output.kept.append(buffer, std::min(room, static_cast<size_t>(got)));
      output.total_bytes += static_cast<size_t>(got);
    } else if (got == 0 || (errno != EINTR && errno != EAGAIN && errno != EWOULDBLOCK)) {
      fd.Close();
    } else if (errno != EINTR) {
      return;
    }
  }
}

// Writes what the pipe takes now; closes it when all is written or the child
// stopped reading (EPIPE).
void WriteAvailable(OwnedFd& fd, std::string_view input, size_t& written) {
  while (fd.open() && written < input.size()) {
    const ssize_t put =
        ::write(fd.get(), input.data() + written, std::min(input.size() - written, kReadChunk));
    if (put > 0) {
      written += static_cast<size_t>(put);
    } else if (errno == EAGAIN || errno == EWOULDBLOCK) {
      return;
    } else if (errno != EINTR) {
      fd.Close();
    }
  }
  fd.Close();
}

void SetNonBlocking(const OwnedFd& fd) {
  ::fcntl(fd.get(), F_SETFL, ::fcntl(fd.get(), F_GETFL) | O_NONBLOCK);
}

// posix_spawn attributes and file actions, released in any case.
struct SpawnSetup {
  posix_spawnattr_t attributes;
  posix_spawn_file_actions_t actions;
  SpawnSetup() {
    posix_spawnattr_init(&attributes);
    posix_spawn_file_actions_init(&actions);
  }
  ~SpawnSetup() {
    posix_spawn_file_actions_destroy(&actions);
    posix_spawnattr_destroy(&attributes);
  }
  SpawnSetup(const SpawnSetup&) = delete;
  SpawnSetup& operator=(const SpawnSetup&) = delete;
};

// Starts the child with the pipes as its stdin/stdout/stderr. Returns 0 or an errno.
int Spawn(const SubprocessRequest& request, const Pipe& in, const Pipe& out, const Pipe& err,
          pid_t& pid) {
  SpawnSetup setup;
  posix_spawn_file_actions_adddup2(&setup.actions, in.read.get(), STDIN_FILENO);
  posix_spawn_file_actions_adddup2(&setup.actions, out.write.get(), STDOUT_FILENO);
  posix_spawn_file_actions_adddup2(&setup.actions, err.write.get(), STDERR_FILENO);
  // Asio opens its sockets without O_CLOEXEC: close whatever else is open.
  posix_spawn_file_actions_addclosefrom_np(&setup.actions, STDERR_FILENO + 1);
  // Its own group, so a timeout can kill what it started too; a clean signal
  // state, since ignored signals (the daemon's SIGPIPE) survive exec.
  sigset_t none;
  sigset_t all;
  sigemptyset(&none);
  sigfillset(&all);
  posix_spawnattr_setflags(&setup.attributes,
                           POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
  posix_spawnattr_setpgroup(&setup.attributes, 0);
  posix_spawnattr_setsigmask(&setup.attributes, &none);
  posix_spawnattr_setsigdefault(&setup.attributes, &all);

  std::vector<std::string> argv = request.argv;
  std::vector<std::string> env = ChildEnvironment(request.extra_env);
  std::vector<char*> argv_pointers = NullTerminated(argv);
  std::vector<char*> env_pointers = NullTerminated(env);
  return posix_spawnp(&pid, argv_pointers[0], &setup.actions, &setup.attributes,
                      argv_pointers.data(), env_pointers.data());
}

void RecordEnd(int status, SubprocessResult& result) {
  if (status == kUnknownStatus) return;
  if (WIFEXITED(status)) result.exit_code = WEXITSTATUS(status);
  if (WIFSIGNALED(status)) result.signal = WTERMSIG(status);
}

// Our ends of the child's stdin, stdout and stderr.
struct ParentEnds {
  OwnedFd& input;
  OwnedFd& output;
  OwnedFd& errors;
};

// Feeds stdin and drains both outputs until the child ends or the deadline
// kills its group. Returns the wait status.
int Converse(ChildGuard& child, ParentEnds ends, const SubprocessRequest& request,
             Clock::time_point deadline, SubprocessResult& result) {
  const SigpipeBlocked sigpipe_blocked;
  size_t written = 0;
  if (request.input.empty()) ends.input.Close();
  int status = 0;
  while (!child.Reaped(status)) {
    const auto now = Clock::now();
    if (now >= deadline) {
      child.KillGroup();
      result.timed_out = true;
      return child.Wait();
    }
    // Without pidfds, exit is noticed by polling waitpid: now and then while
    // a pipe is open (a grandchild may hold it), briskly once all are closed.
    const bool any_open = ends.input.open() || ends.output.open() || ends.errors.open();
    const auto tick = std::chrono::milliseconds(any_open ? 50 : 5);
    const auto wait = std::chrono::ceil<std::chrono::milliseconds>(
        std::min<Clock::duration>(deadline - now, tick));
    pollfd fds[3] = {{ends.input.get(), POLLOUT, 0},
                     {ends.output.get(), POLLIN, 0},
                     {ends.errors.get(), POLLIN, 0}};
    if (::poll(fds, 3, static_cast<int>(wait.count())) <= 0) continue;
    if (fds[0].revents != 0) WriteAvailable(ends.input, request.input, written);
    if (fds[1].revents != 0) ReadAvailable(ends.output, result.out, request.max_output_bytes);
    if (fds[2].revents != 0) ReadAvailable(ends.errors, result.err, request.max_output_bytes);
  }
  return status;
}

}  // namespace

Result<SubprocessResult> RunSubprocess(const SubprocessRequest& request) {
  if (request.argv.empty()) return MakeError(ErrorCode::kInternal, "nothing to run", "empty argv");
  const auto started = Clock::now();
  std::optional<Pipe> in = MakePipe();
  std::optional<Pipe> out = MakePipe();
  std::optional<Pipe> err = MakePipe();
  if (!in || !out || !err) {
    return MakeError(ErrorCode::kInternal, "cannot start",
                     fmt::format("pipes for {}: {}", request.argv[0], std::strerror(errno)));
  }
  pid_t pid = 0;
  if (const int failed = Spawn(request, *in, *out, *err, pid); failed != 0) {
    return MakeError(ErrorCode::kUnavailable, "cannot start",
                     fmt::format("cannot start {}: {}", request.argv[0], std::strerror(failed)));
  }
  ChildGuard child(pid);
  in->read.Close();
  out->write.Close();
  err->write.Close();
  SetNonBlocking(in->write);
  SetNonBlocking(out->read);
  SetNonBlocking(err->read);

  SubprocessResult result;
  const int status = Converse(child, {in->write, out->read, err->read}, request,
                              started + request.timeout, result);
  // What the child wrote just before it ended is still in the pipes.
  ReadAvailable(out->read, result.out, request.max_output_bytes);
  ReadAvailable(err->read, result.err, request.max_output_bytes);
  RecordEnd(status, result);
  result.elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - started);
  return result;
}

}  // namespace webhookd
