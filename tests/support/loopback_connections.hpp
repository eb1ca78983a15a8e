// Counts the open TCP connections on a loopback port, read from /proc/net/tcp.
#pragma once

#include <cstdint>
#include <fstream>
#include <sstream>
#include <string>

namespace webhookd::testing {

/// TCP sockets on loopback with `port` at either end, LISTEN excluded.
inline int CountConnections(uint16_t port) {
  std::ifstream table("/proc/net/tcp");
  std::string line;
  std::getline(table, line);
  int count = 0;
  while (std::getline(table, line)) {
    std::istringstream fields(line);
    std::string slot, local, remote, state;
    fields >> slot >> local >> remote >> state;
    const auto port_of = [](const std::string& address) {
      return static_cast<uint16_t>(std::stoul(address.substr(address.find(':') + 1), nullptr, 16));
    };
    if (state != "0A" && (port_of(local) == port || port_of(remote) == port)) ++count;
  }
  return count;
}

}  // namespace webhookd::testing
