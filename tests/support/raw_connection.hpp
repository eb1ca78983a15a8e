// A plain TCP client for tests that must send bytes no well-behaved HTTP client would.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace webhookd::testing {

/// One status line, headers and a Content-Length body, as read off the wire.
struct RawResponse {
  unsigned status = 0;
  std::string head;  ///< status line and headers, CRLFs included
  std::string body;
};

/// A blocking loopback connection: send anything, read HTTP/1.x responses,
/// notice when the peer closes. Writes never raise SIGPIPE.
class RawConnection {
 public:
  /// Connects to 127.0.0.1:`port`; check connected().
  explicit RawConnection(uint16_t port);
  ~RawConnection();
  RawConnection(RawConnection&& other) noexcept;
  RawConnection(const RawConnection&) = delete;
  RawConnection& operator=(const RawConnection&) = delete;
  RawConnection& operator=(RawConnection&&) = delete;

  bool connected() const { return fd_ >= 0; }
  /// Writes all of `bytes`; false when the peer has gone.
  bool Send(std::string_view bytes);
  /// Half-closes: the peer reads end of stream after what was sent.
  void CloseWrite();
  /// The next response, or nothing when the peer closed first or `timeout` passed.
  std::optional<RawResponse> ReadResponse(std::chrono::milliseconds timeout);
  /// Waits up to `timeout` for the peer to close, discarding what it sends.
  bool WaitClosed(std::chrono::milliseconds timeout);
  /// The peer closed (or reset) the connection; buffered bytes are kept.
  bool closed() const { return peer_closed_; }
  /// Every byte received so far, consumed or not.
  const std::string& received() const { return received_; }

 private:
  // Reads more into buffer_ until `deadline`; false on close or timeout.
  bool Fill(std::chrono::steady_clock::time_point deadline);

  int fd_ = -1;
  std::string buffer_;
  std::string received_;
  bool peer_closed_ = false;
};

/// What a connection answered, as text: the statuses in order, then
/// "closed" when the peer closed or "open" when it was still open after
/// `timeout` without a further answer. E.g. "413 closed", "200 200 open".
std::string Transcript(RawConnection& connection, std::chrono::milliseconds timeout);

}  // namespace webhookd::testing
