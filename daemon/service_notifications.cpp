// The sd_notify decisions: readiness, reloads, stopping, watchdog and status.
#include "daemon/service_notifications.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace webhookd {

std::string StatusText(const StatusFigures& figures) {
  return fmt::format("accepted {}, verified {}, processed {}, dead {}, handlers running {}",
                     figures.accepted, figures.verified, figures.processed, figures.dead,
                     figures.handlers_running);
}

std::string Health::Describe() const {
  std::string text;
  if (!io_answers) text = "the listener threads do not answer";
  if (!wedged_loops.empty()) {
    if (!text.empty()) text += "; ";
    text += fmt::format("wedged: {}", fmt::join(wedged_loops, ", "));
  }
  return text;
}

ServiceNotifications::ServiceNotifications(std::optional<SteadyClock::duration> watchdog,
                                           SteadyClock::duration status_period)
    : watchdog_(watchdog), status_period_(status_period) {}

std::string ServiceNotifications::Ready(const std::string& status) {
  return "READY=1\n" + StatusLine(status);
}

std::string ServiceNotifications::Reloading(std::chrono::microseconds monotonic_now) {
  return fmt::format("RELOADING=1\nMONOTONIC_USEC={}\n{}", monotonic_now.count(),
                     StatusLine("reloading"));
}

std::string ServiceNotifications::Stopping(const std::string& status) {
  return "STOPPING=1\n" + StatusLine(status);
}

Notification ServiceNotifications::Tick(SteadyClock::time_point now, const Health& health,
                                        const std::string& status) {
  Notification out;
  const bool healthy = health.healthy();
  const bool health_changed = healthy != healthy_;
  healthy_ = healthy;
  if (health_changed) {
    out.log = healthy ? "healthy again: watchdog pings resume"
                      : "not healthy, so watchdog pings stop and systemd restarts the daemon: " +
                            health.Describe();
  }
  std::vector<std::string> lines;
  // Half the interval: a ping delayed by a busy machine still arrives in time.
  if (watchdog_ && healthy && (!last_ping_ || now - *last_ping_ >= *watchdog_ / 2)) {
    lines.emplace_back("WATCHDOG=1");
    last_ping_ = now;
  }
  const std::string text = healthy ? status : "not healthy: " + health.Describe();
  const bool status_due =
      health_changed || !last_status_at_ || now - *last_status_at_ >= status_period_;
  if (text != last_status_ && status_due) {
    lines.push_back(StatusLine(text));
    last_status_at_ = now;
  }
  out.message = fmt::format("{}", fmt::join(lines, "\n"));
  return out;
}

SteadyClock::duration ServiceNotifications::tick_period() const {
  const SteadyClock::duration second = std::chrono::seconds(1);
  return watchdog_ ? std::min(second, *watchdog_ / 4) : second;
}

SteadyClock::duration ServiceNotifications::slack() const {
  return watchdog_.value_or(kDefaultSlack);
}

std::string ServiceNotifications::StatusLine(const std::string& status) {
  last_status_ = status;
  // One notification field per line: a newline would start a field of its own.
  std::string line = "STATUS=" + status;
  std::replace(line.begin(), line.end(), '\n', ' ');
  return line;
}

}  // namespace webhookd
