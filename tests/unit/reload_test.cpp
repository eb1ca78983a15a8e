// Tests of what a reload may change and what waits for a restart.
#include "daemon/reload.hpp"

#include <gtest/gtest.h>

namespace webhookd {
namespace {

TEST(Reload, ShutdownTimeoutWaitsForARestart) {
  Config running;
  Config loaded;
  loaded.server.shutdown_timeout = Seconds(5);
  EXPECT_EQ(RestartOnlyChanges(running, loaded),
            std::vector<std::string>{"server.shutdown_timeout_s"});
  EXPECT_EQ(KeepRestartOnlySettings(running, loaded).server.shutdown_timeout, Seconds(30));
}

TEST(Reload, HandlersChangeWithoutARestart) {
  Config running;
  Config loaded;
  HandlerConfig audit;
  audit.name = "audit";
  audit.on = {"*"};
  loaded.handlers.push_back(audit);
  EXPECT_TRUE(RestartOnlyChanges(running, loaded).empty());
  EXPECT_EQ(KeepRestartOnlySettings(running, loaded).handlers.size(), 1u);
}

}  // namespace
}  // namespace webhookd
