// The registry of worker loops and the rule that calls one wedged.
#include "daemon/loop_monitor.hpp"

#include <utility>

namespace webhookd {

std::vector<std::string> FindWedged(const std::vector<LoopState>& loops, const RoundLimits& limits,
                                    SteadyClock::duration default_limit,
                                    SteadyClock::time_point now, SteadyClock::duration slack) {
  std::vector<std::string> wedged;
  for (const LoopState& loop : loops) {
    SteadyClock::duration bound = loop.wait_bound;
    if (loop.working) {
      const auto limit = limits.find(loop.role);
      bound = limit == limits.end() ? default_limit : limit->second;
    }
    if (now - loop.since > bound + slack) wedged.push_back(loop.role);
  }
  return wedged;
}

LoopMonitor::Registration::Registration(Registration&& other) noexcept
    : monitor_(std::exchange(other.monitor_, nullptr)), id_(other.id_) {}

LoopMonitor::Registration::~Registration() {
  if (monitor_ != nullptr) monitor_->Remove(id_);
}

void LoopMonitor::Registration::Working(SteadyClock::time_point now) {
  monitor_->Update(id_, true, SteadyClock::duration::zero(), now);
}

void LoopMonitor::Registration::Waiting(SteadyClock::duration bound, SteadyClock::time_point now) {
  monitor_->Update(id_, false, bound, now);
}

LoopMonitor& LoopMonitor::Global() {
  static LoopMonitor monitor;
  return monitor;
}

LoopMonitor::Registration LoopMonitor::Register(std::string role, SteadyClock::time_point now) {
  std::lock_guard lock(mutex_);
  const uint64_t id = next_id_++;
  loops_[id] = LoopState{std::move(role), true, now, {}};
  return Registration(*this, id);
}

void LoopMonitor::SetRoundLimits(RoundLimits limits) {
  std::lock_guard lock(mutex_);
  limits_ = std::move(limits);
}

std::vector<std::string> LoopMonitor::Wedged(SteadyClock::time_point now,
                                             SteadyClock::duration slack) const {
  std::vector<LoopState> loops;
  RoundLimits limits;
  {
    std::lock_guard lock(mutex_);
    loops.reserve(loops_.size());
    for (const auto& [id, state] : loops_) loops.push_back(state);
    limits = limits_;
  }
  return FindWedged(loops, limits, kDefaultRoundLimit, now, slack);
}

size_t LoopMonitor::size() const {
  std::lock_guard lock(mutex_);
  return loops_.size();
}

void LoopMonitor::Update(uint64_t id, bool working, SteadyClock::duration wait_bound,
                         SteadyClock::time_point now) {
  std::lock_guard lock(mutex_);
  const auto loop = loops_.find(id);
  if (loop == loops_.end()) return;
  loop->second.working = working;
  loop->second.since = now;
  loop->second.wait_bound = wait_bound;
}

void LoopMonitor::Remove(uint64_t id) {
  std::lock_guard lock(mutex_);
  loops_.erase(id);
}

}  // namespace webhookd
