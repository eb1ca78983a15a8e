// Tests of the round limits derived from the configured deadlines.
#include "daemon/round_limits.hpp"

#include <gtest/gtest.h>

#include "daemon/handler_runner.hpp"

namespace webhookd {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

HandlerConfig Handler(HandlerSpec spec) {
  HandlerConfig handler;
  handler.name = "h";
  handler.spec = std::move(spec);
  return handler;
}

TEST(RoundLimits, VerifierMayFetchItsWholeBatchAtTheApiDeadlines) {
  Config config;
  config.verifier.batch_size = 10;
  config.paypro.connect_timeout = milliseconds(2000);
  config.paypro.request_timeout = milliseconds(3000);
  EXPECT_EQ(RoundLimitsFor(config).at("verifier"), seconds(50) + kDatabaseAllowance);
}

TEST(RoundLimits, HandlerRunnerWaitsBehindEveryWorkerForTheSlowestHandler) {
  Config config;
  ExecHandlerSpec exec;
  exec.timeout = milliseconds(40000);
  HttpHandlerSpec http;
  http.timeout = milliseconds(5000);
  config.handlers = {Handler(LogHandlerSpec{}), Handler(exec), Handler(http)};
  EXPECT_EQ(RoundLimitsFor(config).at("handler runner"),
            HandlerRunner::kWorkers * seconds(40) + kDatabaseAllowance);
}

TEST(RoundLimits, WithoutOutsideHandlersOnlyTheDatabaseCounts) {
  const RoundLimits limits = RoundLimitsFor(Config{});
  EXPECT_EQ(limits.at("handler runner"), kDatabaseAllowance);
  EXPECT_EQ(limits.at("processor"), 2 * kDatabaseAllowance);
}

}  // namespace
}  // namespace webhookd
