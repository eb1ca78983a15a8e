// libsystemd's sd_notify, behind a class that does nothing outside systemd.
#pragma once

#include <chrono>
#include <optional>
#include <string>

namespace webhookd {

/// Sends notifications to the service manager over $NOTIFY_SOCKET. Without
/// that variable (not started by systemd, or not Type=notify) it is off and
/// Send does nothing.
class ServiceNotifier {
 public:
  /// Reads NOTIFY_SOCKET, WATCHDOG_USEC and WATCHDOG_PID (through libsystemd,
  /// which ignores a watchdog meant for another process).
  ServiceNotifier();

  bool enabled() const { return enabled_; }
  /// The interval systemd expects WATCHDOG=1 within; nullopt when off.
  std::optional<std::chrono::microseconds> watchdog_interval() const { return watchdog_; }

  /// Sends `message` (newline-separated KEY=value fields); false when off
  /// or when it could not be sent. Thread-safe.
  bool Send(const std::string& message) const;

 private:
  bool enabled_ = false;
  std::optional<std::chrono::microseconds> watchdog_;
};

}  // namespace webhookd
