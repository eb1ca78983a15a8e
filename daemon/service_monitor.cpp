// The monitor thread and the Asio probe, over ServiceNotifications and sd_notify.
#include "daemon/service_monitor.hpp"

#include <spdlog/spdlog.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>

namespace webhookd {

namespace {

constexpr auto kStatusPeriod = std::chrono::seconds(2);

std::optional<SteadyClock::duration> WatchdogOf(const ServiceNotifier& notifier) {
  if (!notifier.watchdog_interval()) return std::nullopt;
  return std::chrono::duration_cast<SteadyClock::duration>(*notifier.watchdog_interval());
}

}  // namespace

ServiceMonitor::ServiceMonitor(boost::asio::io_context& ioc, const LoopMonitor& loops)
    : ioc_(ioc),
      loops_(loops),
      plan_(WatchdogOf(notifier_), kStatusPeriod),
      status_([] { return std::string("starting"); }) {}

ServiceMonitor::~ServiceMonitor() { Stop(); }

void ServiceMonitor::SetStatus(std::function<std::string()> status) {
  std::lock_guard lock(mutex_);
  status_ = std::move(status);
}

void ServiceMonitor::Start() {
  if (!notifier_.enabled() || thread_.joinable()) return;
  if (const auto interval = notifier_.watchdog_interval()) {
    const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(*interval).count();
    spdlog::info("systemd watchdog every {} ms: pinging every {} ms while healthy", ms, ms / 2);
  }
  thread_ = std::thread([this] { Run(); });
}

void ServiceMonitor::Stop() {
  {
    std::lock_guard lock(mutex_);
    stop_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void ServiceMonitor::Ready() {
  std::unique_lock lock(mutex_);
  Send(plan_.Ready(Status()));
}

void ServiceMonitor::Reloading() {
  std::unique_lock lock(mutex_);
  const auto monotonic = SteadyClock::now().time_since_epoch();
  Send(plan_.Reloading(std::chrono::duration_cast<std::chrono::microseconds>(monotonic)));
}

void ServiceMonitor::Reloaded() {
  std::unique_lock lock(mutex_);
  Send(plan_.Reloaded(Status()));
}

void ServiceMonitor::Stopping() {
  std::unique_lock lock(mutex_);
  Send(plan_.Stopping("stopping"));
}

void ServiceMonitor::Run() {
  std::unique_lock lock(mutex_);
  while (!stop_) {
    const SteadyClock::time_point now = SteadyClock::now();
    const Notification notification = plan_.Tick(now, CheckHealth(now), Status());
    if (!notification.log.empty()) spdlog::error("{}", notification.log);
    Send(notification.message);
    wake_.wait_for(lock, plan_.tick_period(), [this] { return stop_; });
  }
}

// Called with mutex_ held.
Health ServiceMonitor::CheckHealth(SteadyClock::time_point now) {
  Health health;
  if (probe_answered_ && !*probe_answered_) {
    health.io_answers = now - probe_posted_ <= plan_.slack();
  } else {
    // The task holds its own reference: it may run after the monitor is gone.
    probe_answered_ = std::make_shared<std::atomic<bool>>(false);
    probe_posted_ = now;
    boost::asio::post(ioc_, [answered = probe_answered_] { *answered = true; });
  }
  health.wedged_loops = loops_.Wedged(now, plan_.slack());
  return health;
}

// Called with mutex_ held.
std::string ServiceMonitor::Status() { return status_(); }

void ServiceMonitor::Send(const std::string& message) {
  if (!message.empty() && notifier_.enabled() && !notifier_.Send(message)) {
    spdlog::debug("sd_notify failed: {}", message);
  }
}

}  // namespace webhookd
