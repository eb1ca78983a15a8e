// Raw loopback connections for hostile-input tests.
#include "tests/support/raw_connection.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>

#include "tests/support/loopback_socket.hpp"

namespace webhookd::testing {

namespace {

using Clock = std::chrono::steady_clock;

// The Content-Length of a response head; 0 when absent (our server always sends one).
size_t ContentLength(std::string_view head) {
  std::string lower(head);
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return std::tolower(c); });
  const size_t at = lower.find("\r\ncontent-length:");
  if (at == std::string::npos) return 0;
  return std::stoul(lower.substr(at + std::string_view("\r\ncontent-length:").size()));
}

}  // namespace

RawConnection::RawConnection(uint16_t port) {
  fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd_ < 0) return;
  const sockaddr_in address = LoopbackAddress(port);
  if (::connect(fd_, reinterpret_cast<const sockaddr*>(&address), sizeof address) != 0) {
    ::close(fd_);
    fd_ = -1;
  }
}

RawConnection::~RawConnection() {
  if (fd_ >= 0) ::close(fd_);
}

RawConnection::RawConnection(RawConnection&& other) noexcept
    : fd_(other.fd_),
      buffer_(std::move(other.buffer_)),
      received_(std::move(other.received_)),
      peer_closed_(other.peer_closed_) {
  other.fd_ = -1;
}

bool RawConnection::Send(std::string_view bytes) { return SendAll(fd_, bytes); }

void RawConnection::CloseWrite() { ::shutdown(fd_, SHUT_WR); }

bool RawConnection::Fill(Clock::time_point deadline) {
  if (peer_closed_ || fd_ < 0) return false;
  const auto left =
      std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
  pollfd wanted{fd_, POLLIN, 0};
  const int ready = ::poll(&wanted, 1, static_cast<int>(std::max<int64_t>(left, 0)));
  if (ready <= 0) return false;
  char chunk[65536];
  const ssize_t got = ::recv(fd_, chunk, sizeof chunk, 0);
  if (got <= 0) {
    // 0 is an orderly close; ECONNRESET a close with our bytes unread. Both end the connection.
    if (got == 0 || errno != EINTR) peer_closed_ = true;
    return false;
  }
  buffer_.append(chunk, static_cast<size_t>(got));
  received_.append(chunk, static_cast<size_t>(got));
  return true;
}

std::optional<RawResponse> RawConnection::ReadResponse(std::chrono::milliseconds timeout) {
  const auto deadline = Clock::now() + timeout;
  size_t head_end = buffer_.find("\r\n\r\n");
  while (head_end == std::string::npos) {
    if (!Fill(deadline)) return std::nullopt;
    head_end = buffer_.find("\r\n\r\n");
  }
  RawResponse response;
  response.head = buffer_.substr(0, head_end + 2);
  const size_t space = response.head.find(' ');
  if (space == std::string::npos) return std::nullopt;
  response.status = static_cast<unsigned>(std::stoul(response.head.substr(space + 1, 3)));
  const size_t body_size = ContentLength(response.head);
  while (buffer_.size() < head_end + 4 + body_size) {
    if (!Fill(deadline)) return std::nullopt;
  }
  response.body = buffer_.substr(head_end + 4, body_size);
  buffer_.erase(0, head_end + 4 + body_size);
  return response;
}

bool RawConnection::WaitClosed(std::chrono::milliseconds timeout) {
  const auto deadline = Clock::now() + timeout;
  while (!peer_closed_ && Clock::now() < deadline) {
    Fill(deadline);
    buffer_.clear();
  }
  return peer_closed_;
}

std::string Transcript(RawConnection& connection, std::chrono::milliseconds timeout) {
  std::string text;
  while (auto response = connection.ReadResponse(timeout))
    text += std::to_string(response->status) + " ";
  return text + (connection.closed() ? "closed" : "open");
}

}  // namespace webhookd::testing
