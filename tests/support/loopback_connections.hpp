// Counts the TCP connections on a loopback port, read from /proc/net/tcp.
#pragma once

#include <algorithm>
#include <cstdint>
#include <fstream>
#include <set>
#include <sstream>
#include <string>

namespace webhookd::testing {

/// The TCP sockets with `port` at either end, LISTEN excluded, each as
/// "local remote" (hex, as the kernel prints them).
///
/// /proc/net/tcp is printed a page at a time, so a reading taken while other
/// tests open and close connections can skip or repeat a line: the table is
/// read until two readings agree.
inline std::multiset<std::string> SocketsOn(uint16_t port) {
  const auto read_once = [port] {
    std::multiset<std::string> sockets;
    std::ifstream table("/proc/net/tcp");
    std::string line;
    std::getline(table, line);
    while (std::getline(table, line)) {
      std::istringstream fields(line);
      std::string slot, local, remote, state;
      fields >> slot >> local >> remote >> state;
      const auto port_of = [](const std::string& address) {
        return static_cast<uint16_t>(std::stoul(address.substr(address.find(':') + 1), nullptr, 16));
      };
      if (state != "0A" && (port_of(local) == port || port_of(remote) == port)) sockets.insert(local + " " + remote);
    }
    return sockets;
  };
  std::multiset<std::string> reading = read_once();
  for (int attempt = 0; attempt < 20; ++attempt) {
    std::multiset<std::string> again = read_once();
    if (again == reading) break;
    reading = std::move(again);
  }
  return reading;
}

/// Connections on a port, counting only those opened after it was bound.
///
/// The servers under test bind with SO_REUSEADDR, so their port may be one an
/// earlier connection still holds in TIME_WAIT; taken right after the bind, the
/// baseline leaves such strangers out. No connection can take the port later.
class ConnectionCounter {
 public:
  explicit ConnectionCounter(uint16_t port) : port_(port), strangers_(SocketsOn(port)) {}

  /// Both ends of every connection since the bind, TIME_WAIT included.
  int Count() const {
    const std::multiset<std::string> sockets = SocketsOn(port_);
    return static_cast<int>(std::count_if(sockets.begin(), sockets.end(),
                                          [this](const std::string& socket) { return !strangers_.contains(socket); }));
  }

 private:
  uint16_t port_;
  std::multiset<std::string> strangers_;
};

}  // namespace webhookd::testing
