// A relay of blocking sockets, one thread per connection; tests make few.
#include "tests/support/commit_cutting_proxy.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <stdexcept>
#include <string_view>
#include <vector>

#include "tests/support/loopback_socket.hpp"

namespace webhookd::testing {

namespace {

constexpr int kPollMs = 100;
// libpq sends COMMIT as a simple query: 'Q', its length, the text and a NUL.
constexpr std::string_view kCommitQuery{"COMMIT\0", 7};

// Waits up to `timeout_ms` for `fd` to have bytes (or end of stream).
bool Readable(int fd, int timeout_ms) {
  pollfd wanted{fd, POLLIN, 0};
  return poll(&wanted, 1, timeout_ms) == 1;
}

}  // namespace

CommitCuttingProxy::CommitCuttingProxy(const std::string& database_url) {
  // postgresql://user@127.0.0.1:PORT/name: the port is what follows the last ':' before the path.
  const size_t authority = database_url.find("://") + 3;
  const size_t path = database_url.find('/', authority);
  const size_t colon = database_url.rfind(':', path);
  if (colon == std::string::npos || colon < authority) throw std::runtime_error("no port in " + database_url);
  server_port_ = static_cast<uint16_t>(std::stoi(database_url.substr(colon + 1, path - colon - 1)));

  listener_ = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address = LoopbackAddress(0);
  socklen_t length = sizeof(address);
  if (bind(listener_, reinterpret_cast<sockaddr*>(&address), sizeof(address)) != 0 || listen(listener_, 8) != 0 ||
      getsockname(listener_, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
    throw std::runtime_error("proxy cannot listen");
  }
  url_ = database_url.substr(0, colon + 1) + std::to_string(ntohs(address.sin_port)) + database_url.substr(path);
  thread_ = std::thread([this] { Accept(); });
}

CommitCuttingProxy::~CommitCuttingProxy() {
  stopping_ = true;
  thread_.join();
  close(listener_);
}

void CommitCuttingProxy::Accept() {
  std::vector<std::thread> relays;
  while (!stopping_) {
    if (!Readable(listener_, kPollMs)) continue;
    const int client = accept(listener_, nullptr, nullptr);
    if (client < 0) continue;
    const int server = socket(AF_INET, SOCK_STREAM, 0);
    const sockaddr_in address = LoopbackAddress(server_port_);
    if (connect(server, reinterpret_cast<const sockaddr*>(&address), sizeof(address)) != 0) {
      close(server);
      close(client);
      continue;
    }
    relays.emplace_back([this, client, server] {
      Relay(client, server);
      close(client);
      close(server);
    });
  }
  for (std::thread& relay : relays) relay.join();
}

void CommitCuttingProxy::Relay(int client, int server) {
  char buffer[16384];
  while (!stopping_) {
    pollfd fds[2] = {{client, POLLIN, 0}, {server, POLLIN, 0}};
    if (poll(fds, 2, kPollMs) <= 0) continue;
    if (fds[1].revents != 0) {
      const ssize_t got = recv(server, buffer, sizeof(buffer), 0);
      if (got <= 0 || !SendAll(client, {buffer, static_cast<size_t>(got)})) return;
    }
    if (fds[0].revents != 0) {
      const ssize_t got = recv(client, buffer, sizeof(buffer), 0);
      if (got <= 0) return;
      const std::string_view bytes{buffer, static_cast<size_t>(got)};
      const Cut cut = bytes.find(kCommitQuery) == std::string_view::npos ? Cut::kNone : cut_.exchange(Cut::kNone);
      if (cut == Cut::kCommit) return;
      if (!SendAll(server, bytes)) return;
      if (cut == Cut::kAnswer) {
        // PostgreSQL answers once the commit is durable: drop that answer.
        Readable(server, 10'000);
        return;
      }
    }
  }
}

}  // namespace webhookd::testing
