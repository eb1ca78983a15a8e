// Tests for the sandbox's event factory: ids, payload shapes, states, mixes.
#include <gtest/gtest.h>
#include <simdjson.h>

#include <map>
#include <set>

#include "sandbox/base_template.hpp"
#include "sandbox/event_factory.hpp"

namespace webhookd::sandbox {
namespace {

constexpr int64_t kNow = 1702292162;

bool IsUpperAlnum(std::string_view text) {
  for (char c : text) {
    if (!((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))) return false;
  }
  return true;
}

std::vector<NewEvent> Generate(EventFactory& factory, std::string_view type, size_t count) {
  std::vector<NewEvent> out;
  factory.Generate(ParseEventMix(type).value(), count, kNow, out);
  return out;
}

// The payload as a parsed JSON object, with links rendered.
struct Payload {
  simdjson::dom::parser parser;
  simdjson::dom::element root;
  explicit Payload(const NewEvent& event) {
    const std::string json = RenderWithBase(event.payload, "https://api.paypro.nl");
    root = parser.parse(simdjson::padded_string(json)).value();
  }
  std::string_view Str(const char* key) { return root[key].get_string().value(); }
};

TEST(SandboxEventFactory, EventIdsAreEvAndEighteenUppercaseLettersOrDigits) {
  EventFactory factory(1);
  std::set<std::string> ids;
  for (const NewEvent& event : Generate(factory, "mixed", 500)) {
    EXPECT_EQ(event.id.size(), 20u);
    EXPECT_TRUE(event.id.starts_with("EV"));
    EXPECT_TRUE(IsUpperAlnum(event.id)) << event.id;
    ids.insert(event.id);
  }
  EXPECT_EQ(ids.size(), 500u);
}

TEST(SandboxEventFactory, PaymentPaidMakesFreshPaidPaymentsWithOrderMetadata) {
  EventFactory factory(2);
  const auto events = Generate(factory, "payment.paid", 20);
  std::set<std::string> payments;
  for (const NewEvent& event : events) {
    Payload payload(event);
    EXPECT_EQ(payload.Str("type"), "payment");
    EXPECT_EQ(payload.Str("state"), "paid");
    EXPECT_EQ(payload.Str("currency"), "EUR");
    EXPECT_TRUE(payload.Str("id").starts_with("PP"));
    EXPECT_EQ(payload.Str("id"), event.resource_id);
    EXPECT_GT(payload.root["amount"].get_int64().value(), 0);
    EXPECT_FALSE(payload.root["metadata"]["order_id"].get_string().value().empty());
    EXPECT_EQ(payload.Str("paid_at"), "2023-12-11T10:56:02Z");
    EXPECT_EQ(std::string(payload.root["_links"]["self"].get_string().value()),
              "https://api.paypro.nl/payments/" + event.resource_id);
    payments.insert(event.resource_id);
  }
  EXPECT_EQ(payments.size(), events.size()) << "single-type events concern fresh resources";
}

TEST(SandboxEventFactory, EveryGeneratedTypeHasAMatchingPayload) {
  const std::map<std::string_view, std::pair<std::string_view, std::string_view>> expected = {
      {"payment.created", {"payment", "PP"}},
      {"payment.canceled", {"payment", "PP"}},
      {"refund.created", {"refund", "PR"}},
      {"refund.paid", {"refund", "PR"}},
      {"chargeback.created", {"chargeback", "PCG"}},
      {"customer.updated", {"customer", "CU"}},
      {"mandate.created", {"mandate", "MD"}},
      {"subscription.updated", {"subscription", "PS"}},
      {"subscription_period.created", {"subscription_period", "SP"}},
      {"installment_plan.created", {"installment_plan", "IP"}},
      {"installment_plan_period.paid", {"installment_plan_period", "IPP"}},
      {"payout.failed", {"payout", "PO"}},
  };
  EventFactory factory(3);
  for (std::string_view type : GeneratedEventTypes()) {
    const auto events = Generate(factory, type, 1);
    ASSERT_EQ(events.size(), 1u);
    EXPECT_EQ(events[0].type, type);
    Payload payload(events[0]);
    const auto found = expected.find(type);
    if (found != expected.end()) {
      EXPECT_EQ(payload.Str("type"), found->second.first) << type;
      EXPECT_TRUE(payload.Str("id").starts_with(found->second.second)) << type;
    }
    EXPECT_NE(factory.Find(events[0].resource_id), nullptr) << type;
  }
}

TEST(SandboxEventFactory, StatesFollowTheEventType) {
  const std::map<std::string_view, std::string_view> states = {
      {"payment.created", "open"},     {"payment.started", "initialized"},
      {"payment.paid", "paid"},        {"payment.canceled", "canceled"},
      {"refund.created", "pending"},   {"refund.paid", "paid"},
      {"payout.created", "pending"},   {"payout.approved", "approved"},
      {"payout.rejected", "rejected"}, {"payout.paid", "paid"},
      {"payout.failed", "failed"},     {"chargeback.created", "completed"},
  };
  EventFactory factory(4);
  for (const auto& [type, state] : states) {
    Payload payload(Generate(factory, type, 1).front());
    EXPECT_EQ(payload.Str("state"), state) << type;
  }
}

TEST(SandboxEventFactory, MixedCoversKnownAndUnknownTypesAndReusesResources) {
  EventFactory factory(5);
  const auto events = Generate(factory, "mixed", 3000);
  std::set<std::string_view> types;
  std::map<std::string, std::vector<std::string_view>> by_resource;
  for (const NewEvent& event : events) {
    types.insert(event.type);
    by_resource[event.resource_id].push_back(event.type);
  }
  for (std::string_view type : GeneratedEventTypes()) EXPECT_TRUE(types.contains(type)) << type;
  size_t full_lifecycles = 0;
  for (const auto& [resource, history] : by_resource) {
    if (history.size() >= 3 && history[0] == "payment.created" && history[1] == "payment.started" &&
        history[2] == "payment.paid") {
      ++full_lifecycles;
    }
    // A payment is created before anything else happens to it.
    if (resource.starts_with("PP") && history.size() > 1) {
      for (size_t i = 1; i < history.size(); ++i) EXPECT_NE(history[i], "payment.created");
    }
  }
  EXPECT_GT(full_lifecycles, 50u);
}

TEST(SandboxEventFactory, SameSeedGivesTheSameAccount) {
  EventFactory a(99);
  EventFactory b(99);
  const auto first = Generate(a, "mixed", 50);
  const auto second = Generate(b, "mixed", 50);
  for (size_t i = 0; i < first.size(); ++i) {
    EXPECT_EQ(first[i].id, second[i].id);
    EXPECT_EQ(first[i].payload, second[i].payload);
  }
}

TEST(SandboxEventFactory, RejectsUnknownMixNames) {
  EXPECT_FALSE(ParseEventMix("payment.exploded").ok());
  EXPECT_FALSE(ParseEventMix("").ok());
  EXPECT_EQ(ParseEventMix("lifecycle")->kind, MixKind::kLifecycle);
  EXPECT_EQ(ParseEventMix("refund.paid")->kind, MixKind::kSingle);
}

}  // namespace
}  // namespace webhookd::sandbox
