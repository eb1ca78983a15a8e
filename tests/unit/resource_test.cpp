// Tests for resource kind names and the log summaries of a resource.
#include "handlers/resource.hpp"

#include <gtest/gtest.h>

namespace webhookd {
namespace {

constexpr std::string_view kKindNames[] = {
    "payment",
    "refund",
    "chargeback",
    "customer",
    "mandate",
    "subscription",
    "subscription_period",
    "installment_plan",
    "installment_plan_period",
    "payout",
};

TEST(ResourceKind, RoundTripsEveryKnownKind) {
  for (std::string_view name : kKindNames) {
    const ResourceKind kind = ParseResourceKind(name);
    EXPECT_NE(kind, ResourceKind::kUnknown) << name;
    EXPECT_EQ(ResourceKindName(kind), name);
  }
}

TEST(ResourceKind, ParsesSpecificNames) {
  EXPECT_EQ(ParseResourceKind("payment"), ResourceKind::kPayment);
  EXPECT_EQ(ParseResourceKind("subscription_period"), ResourceKind::kSubscriptionPeriod);
  EXPECT_EQ(ParseResourceKind("installment_plan_period"), ResourceKind::kInstallmentPlanPeriod);
  EXPECT_EQ(ParseResourceKind("payout"), ResourceKind::kPayout);
}

TEST(ResourceKind, MapsOtherNamesToUnknown) {
  for (std::string_view name : {"", "event", "list", "Payment", "payments", "unknown", "webhook"}) {
    EXPECT_EQ(ParseResourceKind(name), ResourceKind::kUnknown) << '"' << name << '"';
  }
  EXPECT_EQ(ResourceKindName(ResourceKind::kUnknown), "unknown");
}

TEST(ResourceKind, KindOfFollowsTheHeldAlternative) {
  EXPECT_EQ(KindOf(Resource{}), ResourceKind::kUnknown);
  EXPECT_EQ(KindOf(Payment{}), ResourceKind::kPayment);
  EXPECT_EQ(KindOf(Refund{}), ResourceKind::kRefund);
  EXPECT_EQ(KindOf(Chargeback{}), ResourceKind::kChargeback);
  EXPECT_EQ(KindOf(Customer{}), ResourceKind::kCustomer);
  EXPECT_EQ(KindOf(Mandate{}), ResourceKind::kMandate);
  EXPECT_EQ(KindOf(Subscription{}), ResourceKind::kSubscription);
  EXPECT_EQ(KindOf(SubscriptionPeriod{}), ResourceKind::kSubscriptionPeriod);
  EXPECT_EQ(KindOf(InstallmentPlan{}), ResourceKind::kInstallmentPlan);
  EXPECT_EQ(KindOf(InstallmentPlanPeriod{}), ResourceKind::kInstallmentPlanPeriod);
  EXPECT_EQ(KindOf(Payout{}), ResourceKind::kPayout);
}

TEST(ResourceSummary, ReportsIdOfAnyKindAndEmptyForUnknown) {
  Customer customer;
  customer.id = "CU7JRN6W6K3DA9";
  EXPECT_EQ(ResourceId(customer), "CU7JRN6W6K3DA9");
  EXPECT_EQ(ResourceId(Resource{}), "");
}

TEST(ResourceSummary, ReportsAmountWhereTheKindHasOne) {
  Payment payment;
  payment.amount = 1000;
  EXPECT_EQ(ResourceAmount(payment), 1000);
  Payout payout;
  payout.amount = 125050;
  EXPECT_EQ(ResourceAmount(payout), 125050);
  InstallmentPlanPeriod period;
  period.amount = 2000;
  EXPECT_EQ(ResourceAmount(period), 2000);
}

TEST(ResourceSummary, HasNoAmountWhenAbsentOrNotApplicable) {
  EXPECT_EQ(ResourceAmount(Payment{}), std::nullopt);
  EXPECT_EQ(ResourceAmount(Customer{}), std::nullopt);
  EXPECT_EQ(ResourceAmount(Subscription{}), std::nullopt);
  EXPECT_EQ(ResourceAmount(Resource{}), std::nullopt);
}

TEST(ResourceSummary, ReportsStateWhereTheKindHasOne) {
  Chargeback chargeback;
  chargeback.state = "completed";
  EXPECT_EQ(ResourceState(chargeback), "completed");
  Subscription subscription;
  subscription.state = "active";
  EXPECT_EQ(ResourceState(subscription), "active");
}

TEST(ResourceSummary, HasNoStateWhenAbsentOrNotApplicable) {
  EXPECT_EQ(ResourceState(Refund{}), std::nullopt);
  EXPECT_EQ(ResourceState(Customer{}), std::nullopt);
  EXPECT_EQ(ResourceState(Resource{}), std::nullopt);
}

}  // namespace
}  // namespace webhookd
