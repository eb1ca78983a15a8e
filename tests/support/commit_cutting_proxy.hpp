// A TCP proxy in front of PostgreSQL that can lose a COMMIT's answer, or the
// COMMIT itself, the way a network or a crash does: the client's connection
// drops mid-commit and libpq cannot tell whether the transaction committed.
#pragma once

#include <atomic>
#include <cstdint>
#include <string>
#include <thread>

namespace webhookd::testing {

class CommitCuttingProxy {
 public:
  enum class Cut {
    kNone,
    kAnswer,  ///< COMMIT reaches PostgreSQL and commits; its answer is dropped with the connection
    kCommit,  ///< the connection drops before COMMIT reaches PostgreSQL: it rolls back
  };

  /// Listens on a loopback port and relays each connection to `database_url`'s host and port.
  explicit CommitCuttingProxy(const std::string& database_url);
  ~CommitCuttingProxy();
  CommitCuttingProxy(const CommitCuttingProxy&) = delete;
  CommitCuttingProxy& operator=(const CommitCuttingProxy&) = delete;

  /// `database_url` with the proxy's port: connections through the proxy.
  const std::string& url() const { return url_; }
  /// What happens to the next COMMIT relayed; later ones pass.
  void CutNext(Cut cut) { cut_ = cut; }

 private:
  void Accept();
  void Relay(int client, int server);

  int listener_ = -1;
  uint16_t server_port_ = 0;
  std::string url_;
  std::atomic<Cut> cut_{Cut::kNone};
  std::atomic<bool> stopping_{false};
  std::thread thread_;
};

}  // namespace webhookd::testing
