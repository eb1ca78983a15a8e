// Tests for routing event types to handlers by `on:` patterns.
#include "handlers/dispatch_table.hpp"

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

namespace webhookd {
namespace {

class FakeHandler final : public Handler {
 public:
  explicit FakeHandler(std::string name) : Handler(HandlerSettings{std::move(name), {}, {}}) {}
  HandlerPhase phase() const override { return HandlerPhase::kAfterCommit; }
  HandlerOutcome Handle(const HandlerCall&) override { return HandlerOutcome::Done(); }
};

Route MakeRoute(std::string name, std::vector<std::string> patterns) {
  return Route{std::move(patterns), std::make_shared<FakeHandler>(std::move(name))};
}

std::vector<std::string> Names(std::span<Handler* const> handlers) {
  std::vector<std::string> names;
  for (const Handler* handler : handlers) names.push_back(handler->name());
  return names;
}

using Names_ = std::vector<std::string>;

DispatchTable BuildOk(std::vector<Route> routes) {
  Result<DispatchTable> table = DispatchTable::Build(std::move(routes));
  EXPECT_TRUE(table.ok()) << (table.ok() ? "" : table.error().detail);
  if (!table.ok()) return *DispatchTable::Build({});
  return std::move(table).value();
}

std::vector<std::string> LookupKnown(const DispatchTable& table, std::string_view type_name) {
  const EventType type = ParseEventType(type_name);
  EXPECT_NE(type, EventType::kUnknown) << type_name;
  return Names(table.Lookup(type, type_name));
}

std::vector<std::string> LookupUnknown(const DispatchTable& table, std::string_view type_name) {
  EXPECT_EQ(ParseEventType(type_name), EventType::kUnknown) << type_name;
  return Names(table.Lookup(EventType::kUnknown, type_name));
}

// The routes most tests use: exact, prefix, catch-all, and one handler with
// two overlapping patterns, in that config order.
std::vector<Route> SampleRoutes() {
  std::vector<Route> routes;
  routes.push_back(MakeRoute("paid", {"payment.paid"}));
  routes.push_back(MakeRoute("payments", {"payment.*"}));
  routes.push_back(MakeRoute("all", {"*"}));
  routes.push_back(MakeRoute("customers", {"customer.created", "customer.*"}));
  routes.push_back(MakeRoute("refunds", {"refund.created"}));
  return routes;
}

TEST(DispatchTable, RoutesExactPrefixAndCatchAllInConfigOrder) {
  const DispatchTable table = BuildOk(SampleRoutes());
  EXPECT_EQ(LookupKnown(table, "payment.paid"), (Names_{"paid", "payments", "all"}));
  EXPECT_EQ(LookupKnown(table, "payment.created"), (Names_{"payments", "all"}));
  EXPECT_EQ(LookupKnown(table, "payout.paid"), (Names_{"all"}));
  EXPECT_EQ(LookupKnown(table, "subscription.updated"), (Names_{"all"}));
}

TEST(DispatchTable, HandlerListedByTwoPatternsAppearsOnce) {
  const DispatchTable table = BuildOk(SampleRoutes());
  EXPECT_EQ(LookupKnown(table, "customer.created"), (Names_{"all", "customers"}));
  EXPECT_EQ(LookupKnown(table, "customer.updated"), (Names_{"all", "customers"}));
}

TEST(DispatchTable, KeepsConfigOrderNotPatternSpecificity) {
  std::vector<Route> routes;
  routes.push_back(MakeRoute("first_all", {"*"}));
  routes.push_back(MakeRoute("second_prefix", {"payment.*"}));
  routes.push_back(MakeRoute("third_exact", {"payment.paid", "payment.*", "*"}));
  const DispatchTable table = BuildOk(std::move(routes));
  EXPECT_EQ(LookupKnown(table, "payment.paid"), (Names_{"first_all", "second_prefix", "third_exact"}));
  EXPECT_EQ(LookupKnown(table, "payout.paid"), (Names_{"first_all", "third_exact"}));
}

TEST(DispatchTable, UnknownTypeWithMatchingPrefixReachesPrefixAndCatchAll) {
  const DispatchTable table = BuildOk(SampleRoutes());
  EXPECT_EQ(LookupUnknown(table, "payment.refunded"), (Names_{"payments", "all"}));
  EXPECT_EQ(LookupUnknown(table, "customer.deleted"), (Names_{"all", "customers"}));
}

TEST(DispatchTable, UnknownTypeWithExactPatternReachesItsHandler) {
  const DispatchTable table = BuildOk(SampleRoutes());
  EXPECT_EQ(LookupUnknown(table, "refund.created"), (Names_{"all", "refunds"}));
  EXPECT_EQ(LookupUnknown(table, "refund.updated"), (Names_{"all"}));
}

TEST(DispatchTable, ExactUnknownPatternAndPrefixTogether) {
  std::vector<Route> routes;
  routes.push_back(MakeRoute("mandates", {"mandate.*"}));
  routes.push_back(MakeRoute("mandate_created", {"mandate.created"}));
  const DispatchTable table = BuildOk(std::move(routes));
  EXPECT_EQ(LookupUnknown(table, "mandate.created"), (Names_{"mandates", "mandate_created"}));
  EXPECT_EQ(LookupUnknown(table, "mandate.revoked"), (Names_{"mandates"}));
  EXPECT_TRUE(LookupUnknown(table, "refund.created").empty());
}

TEST(DispatchTable, UnknownTypeWithoutPatternsReachesOnlyCatchAll) {
  const DispatchTable table = BuildOk(SampleRoutes());
  EXPECT_EQ(LookupUnknown(table, "installment_plan.created"), (Names_{"all"}));
  EXPECT_EQ(LookupUnknown(table, "weird"), (Names_{"all"}));
  EXPECT_EQ(LookupUnknown(table, ""), (Names_{"all"}));
  // A prefix pattern matches its resource only, not one that starts alike.
  EXPECT_EQ(LookupUnknown(table, "payment_link.created"), (Names_{"all"}));
}

TEST(DispatchTable, NoCatchAllMeansUnknownTypesReachNobody) {
  std::vector<Route> routes;
  routes.push_back(MakeRoute("paid", {"payment.paid"}));
  const DispatchTable table = BuildOk(std::move(routes));
  EXPECT_TRUE(LookupUnknown(table, "payment.refunded").empty());
  EXPECT_TRUE(LookupKnown(table, "payment.created").empty());
  EXPECT_EQ(LookupKnown(table, "payment.paid"), (Names_{"paid"}));
}

TEST(DispatchTable, EmptyTableRoutesNothing) {
  const DispatchTable table = BuildOk({});
  EXPECT_TRUE(table.handlers().empty());
  EXPECT_TRUE(LookupKnown(table, "payment.paid").empty());
  EXPECT_TRUE(LookupUnknown(table, "x.y").empty());
}

TEST(DispatchTable, HandlersKeepsEveryHandlerInConfigOrder) {
  const DispatchTable table = BuildOk(SampleRoutes());
  std::vector<std::string> names;
  for (const auto& handler : table.handlers()) names.push_back(handler->name());
  EXPECT_EQ(names, (Names_{"paid", "payments", "all", "customers", "refunds"}));
}

TEST(DispatchTable, LookupReturnsTheSameObjectsAsHandlers) {
  const DispatchTable table = BuildOk(SampleRoutes());
  const auto found = table.Lookup(EventType::kPaymentPaid, "payment.paid");
  ASSERT_EQ(found.size(), 3u);
  EXPECT_EQ(found[0], table.handlers()[0].get());
  EXPECT_EQ(found[1], table.handlers()[1].get());
  EXPECT_EQ(found[2], table.handlers()[2].get());
}

TEST(DispatchTable, BuildRejectsInvalidPatternsWithConfigError) {
  for (const std::string_view invalid : {"payment", "Payment.paid", "payment.", ".paid", "**", "payment.*.x", "",
                                         "payment.paid.x", "*.paid", "payment.pa-id", "payment. paid"}) {
    const std::string pattern(invalid);
    std::vector<Route> routes;
    routes.push_back(MakeRoute("good", {"payment.paid"}));
    routes.push_back(MakeRoute("bad_handler", {"payment.*", pattern}));
    Result<DispatchTable> table = DispatchTable::Build(std::move(routes));
    ASSERT_FALSE(table.ok()) << "'" << pattern << "' accepted";
    EXPECT_EQ(table.error().code, ErrorCode::kConfig) << pattern;
    EXPECT_EQ(table.error().reason, "invalid pattern") << pattern;
    EXPECT_NE(table.error().detail.find("bad_handler"), std::string::npos) << table.error().detail;
    EXPECT_NE(table.error().detail.find("'" + pattern + "'"), std::string::npos) << table.error().detail;
  }
}

TEST(IsValidPattern, AcceptsTheThreeForms) {
  EXPECT_TRUE(IsValidPattern("*"));
  EXPECT_TRUE(IsValidPattern("payment.*"));
  EXPECT_TRUE(IsValidPattern("payment.paid"));
  EXPECT_TRUE(IsValidPattern("installment_plan_period.created"));
  EXPECT_TRUE(IsValidPattern("new_thing.some_action"));
}

TEST(IsValidPattern, RejectsEverythingElse) {
  for (const std::string_view pattern : {"payment", "Payment.paid", "payment.Paid", "payment.", ".paid", "**", "*.*",
                                         "payment.*.x", "payment.paid.x", "*.paid", "", ".", "payment.pa1d",
                                         "payment .paid", "payment.p*"}) {
    EXPECT_FALSE(IsValidPattern(pattern)) << "'" << pattern << "'";
  }
}

}  // namespace
}  // namespace webhookd
