// The `exec` handler kind: runs a program per event, the event JSON on its stdin.
#pragma once

#include <atomic>
#include <chrono>
#include <semaphore>
#include <string>
#include <string_view>
#include <vector>

#include "config/config.hpp"
#include "core/result.hpp"
#include "handlers/argv_template.hpp"
#include "handlers/handler.hpp"
#include "handlers/subprocess.hpp"

namespace webhookd {

/// kConfig when argv is empty, argv[0] is empty or holds a placeholder (the
/// event must not choose the program), an argument does not parse
/// (ParseArgvTemplate), the timeout is not positive or max_concurrency is
/// below 1. Like ParseArgvTemplate, never quotes an argument: it may hold a
/// secret expanded from the environment.
Status ValidateExecSpec(const ExecHandlerSpec& spec);

/// The variables a run gets besides the daemon's environment:
/// PAYPRO_EVENT_ID, PAYPRO_EVENT_TYPE, PAYPRO_RESOURCE_ID, PAYPRO_RESOURCE_TYPE.
std::vector<std::string> EventEnvironment(const Event& event);

/// The error for a run that did not succeed: the program, how it ended
/// ("exit 3", "killed by SIGSEGV", "timed out after 300 ms") and the start
/// of its stderr, bounded.
std::string DescribeFailure(std::string_view program, const SubprocessResult& result,
                            std::chrono::milliseconds timeout);

/// Runs the configured program once per call, without a shell: exit 0 is
/// done, anything else a retry. Output is logged, not interpreted.
class ExecHandler final : public Handler {
 public:
  /// Throws std::invalid_argument when ValidateExecSpec fails: config
  /// validation must have called it first.
  ExecHandler(HandlerSettings settings, ExecHandlerSpec spec);

  HandlerPhase phase() const override { return HandlerPhase::kOutside; }
  /// Blocks until one of max_concurrency slots is free, then for the run.
  HandlerOutcome Handle(const HandlerCall& call) override;
  bool Saturated() const override { return calls_ >= spec_.max_concurrency; }

 private:
  void LogRun(const Event& event, const SubprocessResult& result) const;

  const ExecHandlerSpec spec_;
  const std::vector<std::vector<ArgvPart>> args_;  ///< spec_.argv parsed, argv[0] included
  std::counting_semaphore<> slots_;
  std::atomic<int> calls_{0};  ///< in Handle: running, or waiting for a slot
};

}  // namespace webhookd
