// paypro-loadgen driven from a test: start it, wait for it, read its JSON summary.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include "tests/support/child_process.hpp"

namespace webhookd::testing {

/// What one paypro-loadgen run sends (see `paypro-loadgen --help`).
struct LoadSettings {
  std::string target;   ///< the daemon's webhook URL
  std::string sandbox;  ///< creates `events` new events here at start-up, before the clock runs
  size_t events = 0;
  std::optional<double> rate;  ///< open loop at this rate; nullopt: closed loop
  double duration_s = 10;
  size_t connections = 16;
  size_t threads = 1;
  std::chrono::milliseconds timeout{30000};  ///< per request
};

/// The figures of a run's summary that tests check.
struct LoadSummary {
  uint64_t sent = 0;
  uint64_t answered = 0;
  uint64_t errors = 0;  ///< requests without an answer (refused, reset, timed out)
  uint64_t unsent = 0;  ///< open loop: due, but no connection was free
  std::map<unsigned, uint64_t> statuses;
  double p50_ms = 0;
  double p99_ms = 0;
  double p999_ms = 0;
  double max_ms = 0;
  double achieved_rps = 0;
  std::string json;  ///< the whole summary, for messages

  /// Answers with `status`.
  uint64_t Count(unsigned status) const;
};

/// An open loop of `rate` calls/s for `duration_s` to `target`, over
/// `connections`, its events created in `sandbox` when the run starts.
LoadSettings OpenLoop(const std::string& target, const std::string& sandbox, double rate, double duration_s,
                      size_t connections);

/// Parses paypro-loadgen's summary line; nullopt when it is not one.
std::optional<LoadSummary> ParseLoadSummary(const std::string& json);

/// A running paypro-loadgen, its stdout and stderr in `dir`/`name`.log.
class LoadRun {
 public:
  LoadRun(const TempDir& dir, const std::string& name, const LoadSettings& settings);

  /// Waits up to `timeout` for it to exit; its summary, or nullopt when it
  /// failed or printed none (Output() says why).
  std::optional<LoadSummary> Wait(std::chrono::milliseconds timeout);
  bool running() { return process_->running(); }
  std::string Output() const { return process_->Output(); }

 private:
  std::unique_ptr<ChildProcess> process_;
};

/// The paypro-loadgen binary ($PAYPRO_LOADGEN_BIN or the build tree's).
std::string LoadgenBinary();

}  // namespace webhookd::testing
