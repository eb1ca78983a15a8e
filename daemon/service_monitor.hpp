// Keeps systemd informed while the daemon runs: readiness, reloads, watchdog, status.
#pragma once

#include <atomic>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "daemon/loop_monitor.hpp"
#include "daemon/service_notifications.hpp"
#include "daemon/service_notifier.hpp"

namespace boost::asio {
class io_context;
}

namespace webhookd {

/// The sd_notify side of the daemon. Its thread ticks as
/// ServiceNotifications asks, judging health each time: the Asio threads
/// must run a posted task within the watchdog interval, and no worker loop
/// may be wedged (LoopMonitor, with the watchdog interval as slack). Without
/// NOTIFY_SOCKET nothing is sent and no thread runs.
class ServiceMonitor {
 public:
  ServiceMonitor(boost::asio::io_context& ioc, const LoopMonitor& loops);
  ~ServiceMonitor();
  ServiceMonitor(const ServiceMonitor&) = delete;
  ServiceMonitor& operator=(const ServiceMonitor&) = delete;

  /// Where the STATUS= text comes from from now on; called on the monitor's
  /// thread, so it must be cheap and thread-safe.
  void SetStatus(std::function<std::string()> status);
  /// Starts ticking. The io_context must be run by other threads until Stop.
  void Start();
  /// Stops ticking and joins; call before the io_context stops.
  void Stop();

  void Ready();
  void Reloading();
  void Reloaded();
  void Stopping();

  bool enabled() const { return notifier_.enabled(); }

 private:
  void Run();
  Health CheckHealth(SteadyClock::time_point now);
  std::string Status();
  void Send(const std::string& message);

  boost::asio::io_context& ioc_;
  const LoopMonitor& loops_;
  const ServiceNotifier notifier_;

  std::mutex mutex_;  ///< guards everything below
  std::condition_variable wake_;
  bool stop_ = false;
  ServiceNotifications plan_;
  std::function<std::string()> status_;
  std::shared_ptr<std::atomic<bool>>
      probe_answered_;  ///< the last task posted to the io_context ran
  SteadyClock::time_point probe_posted_{};
  std::thread thread_;
};

}  // namespace webhookd
