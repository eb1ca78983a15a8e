// What the daemon tells systemd, and when: pure decisions over plain values.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "daemon/loop_monitor.hpp"

namespace webhookd {

/// The live figures of the STATUS= line, counted since the daemon started.
struct StatusFigures {
  uint64_t accepted = 0;          ///< webhooks committed to the inbox (answered 200)
  uint64_t verified = 0;          ///< events PayPro confirmed
  uint64_t processed = 0;         ///< events whose handlers all succeeded
  uint64_t dead = 0;              ///< events whose attempts are spent
  uint64_t handlers_running = 0;  ///< outside handler runs (http, exec) in progress now
};

/// "accepted 3, verified 3, processed 2, dead 0, handlers running 1".
std::string StatusText(const StatusFigures& figures);

/// Whether the daemon's threads still come back, as the watchdog judges it.
struct Health {
  bool io_answers = true;                 ///< the Asio threads ran a posted task in time
  std::vector<std::string> wedged_loops;  ///< worker loops past their own bounds (LoopMonitor)

  bool healthy() const { return io_answers && wedged_loops.empty(); }
  /// What is wrong, for the log and STATUS=; "" when healthy.
  std::string Describe() const;
};

/// What one tick sends, and what it logs; each empty when nothing.
struct Notification {
  std::string message;  ///< for sd_notify: "WATCHDOG=1\nSTATUS=..."
  std::string log;      ///< health lost or regained
};

/// Decides the sd_notify messages. READY=1 once listening, RELOADING=1 and
/// READY=1 around a reload, STOPPING=1 at shutdown. Between them, ticks send
/// WATCHDOG=1 every half watchdog interval while healthy (so one late ping
/// is not fatal, and a wedge stops the pings: systemd then restarts the
/// daemon), and STATUS= when its text changed, at most once per
/// `status_period` unless health changed. Not thread-safe.
class ServiceNotifications {
 public:
  /// `watchdog`: the interval systemd expects pings within; nullopt when off.
  ServiceNotifications(std::optional<SteadyClock::duration> watchdog,
                       SteadyClock::duration status_period);

  std::string Ready(const std::string& status);
  /// With MONOTONIC_USEC, which systemd 253's Type=notify-reload requires and older ones ignore.
  std::string Reloading(std::chrono::microseconds monotonic_now);
  std::string Reloaded(const std::string& status) { return Ready(status); }
  std::string Stopping(const std::string& status);
  /// What to send at `now`, given the health and the status text then.
  Notification Tick(SteadyClock::time_point now, const Health& health, const std::string& status);

  /// How often to call Tick: a quarter of the watchdog interval, at most a second.
  SteadyClock::duration tick_period() const;
  /// How long a thread may stay away before it counts as wedged: the
  /// watchdog interval (systemd's own patience), else kDefaultSlack.
  SteadyClock::duration slack() const;

  static constexpr SteadyClock::duration kDefaultSlack = std::chrono::seconds(30);

 private:
  std::string StatusLine(const std::string& status);

  const std::optional<SteadyClock::duration> watchdog_;
  const SteadyClock::duration status_period_;
  std::optional<SteadyClock::time_point> last_ping_;
  std::optional<SteadyClock::time_point> last_status_at_;
  std::string last_status_;
  bool healthy_ = true;
};

}  // namespace webhookd
