// Tests for event type names, both ways.
#include "handlers/event_type.hpp"

#include <gtest/gtest.h>

#include <set>
#include <string>

namespace webhookd {
namespace {

TEST(EventType, RoundTripsEveryKnownType) {
  for (EventType type : KnownEventTypes()) {
    const std::string_view name = EventTypeName(type);
    EXPECT_EQ(ParseEventType(name), type) << name;
  }
}

TEST(EventType, KnowsTheTypesPayProDocuments) {
  EXPECT_EQ(ParseEventType("customer.created"), EventType::kCustomerCreated);
  EXPECT_EQ(ParseEventType("customer.updated"), EventType::kCustomerUpdated);
  EXPECT_EQ(ParseEventType("chargeback.created"), EventType::kChargebackCreated);
  EXPECT_EQ(ParseEventType("payout.created"), EventType::kPayoutCreated);
  EXPECT_EQ(ParseEventType("payout.approved"), EventType::kPayoutApproved);
  EXPECT_EQ(ParseEventType("payout.rejected"), EventType::kPayoutRejected);
  EXPECT_EQ(ParseEventType("payout.failed"), EventType::kPayoutFailed);
  EXPECT_EQ(ParseEventType("payout.paid"), EventType::kPayoutPaid);
  EXPECT_EQ(ParseEventType("payment.created"), EventType::kPaymentCreated);
  EXPECT_EQ(ParseEventType("payment.started"), EventType::kPaymentStarted);
  EXPECT_EQ(ParseEventType("payment.paid"), EventType::kPaymentPaid);
  EXPECT_EQ(ParseEventType("payment.canceled"), EventType::kPaymentCanceled);
  EXPECT_EQ(ParseEventType("subscription.updated"), EventType::kSubscriptionUpdated);
}

TEST(EventType, ListsEveryTypeButUnknownOnceInEnumOrder) {
  const auto& known = KnownEventTypes();
  ASSERT_EQ(known.size(), kEventTypeCount - 1);
  std::set<std::string_view> names;
  for (size_t i = 0; i < known.size(); ++i) {
    EXPECT_EQ(static_cast<size_t>(known[i]), i + 1);
    EXPECT_NE(known[i], EventType::kUnknown);
    names.insert(EventTypeName(known[i]));
  }
  EXPECT_EQ(names.size(), known.size()) << "two types share a name";
}

TEST(EventType, MapsUnknownNamesToUnknown) {
  for (const char* name : {"", "refund.created", "payment", "payment.paid ", "Payment.Paid",
                           "payment.paid.extra", "unknown", ".", "payment."}) {
    EXPECT_EQ(ParseEventType(name), EventType::kUnknown) << '"' << name << '"';
  }
}

TEST(EventType, NamesUnknownAsUnknown) { EXPECT_EQ(EventTypeName(EventType::kUnknown), "unknown"); }

TEST(EventType, ResourcePrefixIsThePartBeforeTheFirstDot) {
  EXPECT_EQ(ResourcePrefix("payment.paid"), "payment");
  EXPECT_EQ(ResourcePrefix("installment_plan_period.created"), "installment_plan_period");
  EXPECT_EQ(ResourcePrefix("a.b.c"), "a");
  EXPECT_EQ(ResourcePrefix(".paid"), "");
}

TEST(EventType, ResourcePrefixIsEmptyWithoutADot) {
  EXPECT_EQ(ResourcePrefix("payment"), "");
  EXPECT_EQ(ResourcePrefix(""), "");
}

}  // namespace
}  // namespace webhookd
