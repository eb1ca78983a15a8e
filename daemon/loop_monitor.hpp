// Where each worker loop is, so the watchdog can tell a busy loop from a wedged one.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <vector>

namespace webhookd {

using SteadyClock = std::chrono::steady_clock;

/// How long one round of a loop may take by its own deadlines, by role.
using RoundLimits = std::map<std::string, SteadyClock::duration, std::less<>>;

/// What one loop is doing and since when.
struct LoopState {
  std::string role;
  bool working = false;                ///< in a round (or reconnecting); else waiting
  SteadyClock::time_point since{};     ///< when the current step began
  SteadyClock::duration wait_bound{};  ///< a wait's own timeout (only while waiting)
};

/// The roles of the loops in `loops` whose current step has run longer than
/// it may, plus `slack` (pure). A wait may last its own timeout; a round the
/// limit of its role in `limits`, else `default_limit`.
std::vector<std::string> FindWedged(const std::vector<LoopState>& loops, const RoundLimits& limits,
                                    SteadyClock::duration default_limit,
                                    SteadyClock::time_point now, SteadyClock::duration slack);

/// The loops of the running daemon report each step here; the service
/// monitor asks which of them are wedged. Thread-safe; a report costs one
/// uncontended lock per round, never per request.
class LoopMonitor {
 public:
  /// One loop's reports, removed when destroyed (the loop ended).
  class Registration {
   public:
    Registration(LoopMonitor& monitor, uint64_t id) : monitor_(&monitor), id_(id) {}
    Registration(Registration&& other) noexcept;
    Registration& operator=(Registration&&) = delete;
    Registration(const Registration&) = delete;
    ~Registration();

    /// A round (or a reconnect) begins at `now`.
    void Working(SteadyClock::time_point now = SteadyClock::now());
    /// A wait that ends by itself within `bound` begins at `now`.
    void Waiting(SteadyClock::duration bound, SteadyClock::time_point now = SteadyClock::now());

   private:
    LoopMonitor* monitor_;
    uint64_t id_;
  };

  /// A round of a role without a limit of its own may take this long.
  static constexpr SteadyClock::duration kDefaultRoundLimit = std::chrono::minutes(5);

  /// The monitor RunDatabaseWorker reports to: one per process, so that
  /// every stage's loop is watched without threading it through each stage.
  static LoopMonitor& Global();

  /// Registers a loop of `role`, working from `now` on.
  Registration Register(std::string role, SteadyClock::time_point now = SteadyClock::now());
  /// Replaces the round limits (they follow the handlers' timeouts on reload).
  void SetRoundLimits(RoundLimits limits);
  /// FindWedged over the registered loops.
  std::vector<std::string> Wedged(SteadyClock::time_point now, SteadyClock::duration slack) const;
  /// How many loops are registered.
  size_t size() const;

 private:
  void Update(uint64_t id, bool working, SteadyClock::duration wait_bound,
              SteadyClock::time_point now);
  void Remove(uint64_t id);

  mutable std::mutex mutex_;
  uint64_t next_id_ = 0;
  std::map<uint64_t, LoopState> loops_;
  RoundLimits limits_;
};

}  // namespace webhookd
