// Tests for the sandbox's fault decisions and their frequencies.
#include <gtest/gtest.h>

#include <map>

#include "sandbox/fault_plan.hpp"

namespace webhookd::sandbox {
namespace {

TEST(SandboxFaultPlan, NoFaultsByDefault) {
  FaultPlan plan;
  const Faults faults = plan.faults();
  for (int i = 0; i < 1000; ++i) {
    EXPECT_EQ(plan.DrawApiFault(faults), ApiFault::kNone);
    EXPECT_EQ(plan.DrawDeliveryFate(faults), DeliveryFate::kDeliver);
  }
}

TEST(SandboxFaultPlan, DrawSplitsTheUnitIntervalInRateOrder) {
  Faults faults;
  faults.timeout_rate = 0.1;
  faults.error_rate = 0.2;
  faults.rate_limit_rate = 0.3;
  EXPECT_EQ(DecideApiFault(faults, 0.0), ApiFault::kTimeout);
  EXPECT_EQ(DecideApiFault(faults, 0.099), ApiFault::kTimeout);
  EXPECT_EQ(DecideApiFault(faults, 0.1), ApiFault::kError);
  EXPECT_EQ(DecideApiFault(faults, 0.299), ApiFault::kError);
  EXPECT_EQ(DecideApiFault(faults, 0.301), ApiFault::kRateLimited);
  EXPECT_EQ(DecideApiFault(faults, 0.599), ApiFault::kRateLimited);
  EXPECT_EQ(DecideApiFault(faults, 0.601), ApiFault::kNone);
  faults.down = true;
  EXPECT_EQ(DecideApiFault(faults, 0.9), ApiFault::kDown);
}

TEST(SandboxFaultPlan, ErrorRateOneFailsEveryRequest) {
  Faults faults;
  faults.error_rate = 1.0;
  FaultPlan plan(faults, 7);
  for (int i = 0; i < 1000; ++i) EXPECT_EQ(plan.DrawApiFault(faults), ApiFault::kError);
}

TEST(SandboxFaultPlan, SeededDrawsHitTheConfiguredFractions) {
  Faults faults;
  faults.error_rate = 0.3;
  faults.timeout_rate = 0.05;
  faults.rate_limit_rate = 0.1;
  faults.drop_rate = 0.2;
  faults.duplicate_rate = 0.1;
  FaultPlan plan(faults, 12345);
  constexpr int kDraws = 20000;
  std::map<ApiFault, int> api;
  std::map<DeliveryFate, int> fates;
  for (int i = 0; i < kDraws; ++i) {
    ++api[plan.DrawApiFault(faults)];
    ++fates[plan.DrawDeliveryFate(faults)];
  }
  const auto share = [](int count) { return static_cast<double>(count) / kDraws; };
  EXPECT_NEAR(share(api[ApiFault::kError]), 0.30, 0.02);
  EXPECT_NEAR(share(api[ApiFault::kTimeout]), 0.05, 0.01);
  EXPECT_NEAR(share(api[ApiFault::kRateLimited]), 0.10, 0.015);
  EXPECT_NEAR(share(api[ApiFault::kNone]), 0.55, 0.02);
  EXPECT_NEAR(share(fates[DeliveryFate::kDrop]), 0.20, 0.015);
  EXPECT_NEAR(share(fates[DeliveryFate::kDuplicate]), 0.10, 0.015);
}

TEST(SandboxFaultPlan, SameSeedSameDecisions) {
  Faults faults;
  faults.error_rate = 0.5;
  FaultPlan a(faults, 9);
  FaultPlan b(faults, 9);
  for (int i = 0; i < 200; ++i) EXPECT_EQ(a.DrawApiFault(faults), b.DrawApiFault(faults));
}

TEST(SandboxFaultPlan, DrawsStayInTheUnitInterval) {
  FaultPlan plan({}, 3);
  for (int i = 0; i < 10000; ++i) {
    const double draw = plan.Draw();
    EXPECT_GE(draw, 0.0);
    EXPECT_LT(draw, 1.0);
  }
}

TEST(SandboxFaultPlan, ValidationNamesTheBadSetting) {
  Faults faults;
  EXPECT_TRUE(ValidateFaults(faults).ok());
  faults.drop_rate = 1.5;
  auto status = ValidateFaults(faults);
  ASSERT_FALSE(status.ok());
  EXPECT_NE(status.error().reason.find("drop_rate"), std::string::npos);
  faults.drop_rate = 0;
  faults.latency_ms = -1;
  EXPECT_FALSE(ValidateFaults(faults).ok());
  faults.latency_ms = 0;
  faults.max_delivery_attempts = 0;
  EXPECT_FALSE(ValidateFaults(faults).ok());
}

}  // namespace
}  // namespace webhookd::sandbox
