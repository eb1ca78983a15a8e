// sd_notify glue.
#include "daemon/service_notifier.hpp"

#include <systemd/sd-daemon.h>

#include <cstdint>
#include <cstdlib>

namespace webhookd {

ServiceNotifier::ServiceNotifier() {
  const char* socket = std::getenv("NOTIFY_SOCKET");
  enabled_ = socket != nullptr && *socket != '\0';
  uint64_t usec = 0;
  if (enabled_ && sd_watchdog_enabled(0, &usec) > 0 && usec > 0)
    watchdog_ = std::chrono::microseconds(usec);
}

bool ServiceNotifier::Send(const std::string& message) const {
  if (!enabled_ || message.empty()) return false;
  // The variables stay set (unset_environment 0), so exec handlers' programs
  // inherit NOTIFY_SOCKET too: NotifyAccess=main has systemd ignore them.
  return sd_notify(0, message.c_str()) > 0;
}

}  // namespace webhookd
