// Tests for decoding Event objects, against the samples in tests/data/events.
#include "handlers/event.hpp"

#include <gtest/gtest.h>

#include <string>

#include "tests/support/test_data.hpp"

namespace webhookd {
namespace {

using testing::ReadSampleEvent;

Event DecodeSample(const std::string& name) {
  const std::string json = ReadSampleEvent(name);
  Result<Event> event = DecodeEvent(json);
  EXPECT_TRUE(event.ok()) << name << ": " << (event.ok() ? "" : event.error().detail);
  if (!event.ok()) return Event{};
  EXPECT_EQ(event->json, json) << "the raw JSON must be kept byte for byte";
  return std::move(event).value();
}

std::string DetailOf(std::string_view json) {
  Result<Event> event = DecodeEvent(json);
  EXPECT_FALSE(event.ok()) << json;
  if (event.ok()) return {};
  EXPECT_EQ(event.error().code, ErrorCode::kBadRequest);
  return event.error().detail;
}

TEST(DecodeEvent, DecodesPaymentPaid) {
  const Event event = DecodeSample("payment.paid.json");
  EXPECT_EQ(event.id, "EVYK7KCFJAXA23UKSG");
  EXPECT_EQ(event.type_name, "payment.paid");
  EXPECT_EQ(event.type, EventType::kPaymentPaid);
  EXPECT_EQ(event.created_at, "2023-06-30T12:44:36Z");
  EXPECT_EQ(event.resource_type, "payment");
  EXPECT_EQ(event.resource_id, "PPH25H07JYWLR7PA82");
  ASSERT_TRUE(std::holds_alternative<Payment>(event.resource));
  const auto& payment = std::get<Payment>(event.resource);
  EXPECT_EQ(payment.id, "PPH25H07JYWLR7PA82");
  EXPECT_EQ(payment.amount, 1000);
  EXPECT_EQ(payment.description, "Test Payment");
  EXPECT_EQ(payment.currency, "EUR");
  EXPECT_EQ(payment.pay_method_json, R"({"id":"ideal","name":"iDEAL"})");
  EXPECT_EQ(payment.state, "paid");
  EXPECT_EQ(payment.refunded_amount, 0);
  EXPECT_EQ(payment.metadata_json, R"({"order_id":"1042","lines":[1,2]})");
  EXPECT_EQ(payment.paid_at, "2023-06-30T12:44:35Z");
  EXPECT_EQ(payment.created_at, "2023-06-30T12:40:10Z");
  EXPECT_EQ(ResourceAmount(event.resource), 1000);
  EXPECT_EQ(ResourceState(event.resource), "paid");
}

TEST(DecodeEvent, DecodesRefundCreatedAsUnknownType) {
  const Event event = DecodeSample("refund.created.json");
  EXPECT_EQ(event.type, EventType::kUnknown);
  EXPECT_EQ(event.type_name, "refund.created");
  ASSERT_TRUE(std::holds_alternative<Refund>(event.resource));
  const auto& refund = std::get<Refund>(event.resource);
  EXPECT_EQ(refund.id, "PRFX8T2K9WQ3LM");
  EXPECT_EQ(refund.amount, 500);
  EXPECT_EQ(refund.payment, "PPH25H07JYWLR7PA82");
  EXPECT_EQ(refund.description, "Test Refund");
  EXPECT_EQ(refund.reason, "Customer requested");
  EXPECT_EQ(refund.state, "pending");
  EXPECT_EQ(refund.created_at, "2023-07-01T09:14:58Z");
}

TEST(DecodeEvent, DecodesChargebackCreated) {
  const Event event = DecodeSample("chargeback.created.json");
  EXPECT_EQ(event.type, EventType::kChargebackCreated);
  EXPECT_EQ(event.resource_id, "PCG2SZKYJCCDV8");
  ASSERT_TRUE(std::holds_alternative<Chargeback>(event.resource));
  const auto& chargeback = std::get<Chargeback>(event.resource);
  EXPECT_EQ(chargeback.amount, 1000);
  EXPECT_EQ(chargeback.description, "Test Payment");
  EXPECT_EQ(chargeback.reason, "MD06");
  EXPECT_EQ(chargeback.currency, "EUR");
  EXPECT_EQ(chargeback.payment, "PPBLGEE6UG92MS");
  EXPECT_EQ(chargeback.state, "completed");
  EXPECT_EQ(chargeback.charged_back_at, "2023-06-30T12:44:35Z");
  EXPECT_EQ(chargeback.created_at, "2023-06-30T12:40:10Z");
}

TEST(DecodeEvent, DecodesCustomerCreated) {
  const Event event = DecodeSample("customer.created.json");
  EXPECT_EQ(event.type, EventType::kCustomerCreated);
  ASSERT_TRUE(std::holds_alternative<Customer>(event.resource));
  const auto& customer = std::get<Customer>(event.resource);
  EXPECT_EQ(customer.id, "CU7JRN6W6K3DA9");
  EXPECT_EQ(customer.email, "customer@paypro.nl");
  EXPECT_EQ(customer.first_name, "firstname");
  EXPECT_EQ(customer.last_name, "name");
  EXPECT_EQ(customer.address, "address 2");
  EXPECT_EQ(customer.postal, "1234AA");
  EXPECT_EQ(customer.city, "city");
  EXPECT_EQ(customer.country, "NL");
  EXPECT_EQ(customer.vat_number, "vatnumber");
  EXPECT_EQ(customer.company_name, "PayPro");
  EXPECT_EQ(customer.phone_number, "012345679");
  EXPECT_EQ(customer.created_at, "2022-12-31T23:00:00Z");
  EXPECT_EQ(ResourceAmount(event.resource), std::nullopt);
  EXPECT_EQ(ResourceState(event.resource), std::nullopt);
}

TEST(DecodeEvent, DecodesMandateCreated) {
  const Event event = DecodeSample("mandate.created.json");
  ASSERT_TRUE(std::holds_alternative<Mandate>(event.resource));
  const auto& mandate = std::get<Mandate>(event.resource);
  EXPECT_EQ(mandate.id, "MD6ULYXJ4HP9RJ");
  EXPECT_EQ(mandate.customer, "CU7JRN6W6K3DA9");
  EXPECT_EQ(mandate.pay_method_json, R"("direct-debit")");
  EXPECT_EQ(mandate.state, "valid");
  EXPECT_EQ(mandate.created_at, "2023-07-20T08:00:00Z");
}

TEST(DecodeEvent, DecodesSubscriptionUpdated) {
  const Event event = DecodeSample("subscription.updated.json");
  EXPECT_EQ(event.type, EventType::kSubscriptionUpdated);
  ASSERT_TRUE(std::holds_alternative<Subscription>(event.resource));
  const auto& subscription = std::get<Subscription>(event.resource);
  EXPECT_EQ(subscription.id, "PSV1QACRO4DSMQT0KK");
  EXPECT_EQ(subscription.description, "Test subscription");
  EXPECT_EQ(subscription.currency, "EUR");
  EXPECT_EQ(subscription.subscription_type, "direct_debit");
  EXPECT_EQ(subscription.state, "active");
  EXPECT_EQ(subscription.start_at, std::nullopt);
  EXPECT_EQ(subscription.cancel_at, std::nullopt);
  EXPECT_EQ(subscription.customer, "CU7JRN6W6K3DA9");
  EXPECT_EQ(subscription.mandate, "MD6ULYXJ4HP9RJ");
  EXPECT_EQ(subscription.scheduling, "automatic");
  EXPECT_EQ(subscription.metadata_json, "{}");
  EXPECT_EQ(subscription.created_at, "2023-07-24T12:40:10Z");
}

TEST(DecodeEvent, DecodesSubscriptionPeriodCreated) {
  const Event event = DecodeSample("subscription_period.created.json");
  ASSERT_TRUE(std::holds_alternative<SubscriptionPeriod>(event.resource));
  const auto& period = std::get<SubscriptionPeriod>(event.resource);
  EXPECT_EQ(period.id, "SP3N8QW5YH2RT6");
  EXPECT_EQ(period.subscription, "PSV1QACRO4DSMQT0KK");
  EXPECT_EQ(period.amount, 1000);
  EXPECT_EQ(period.state, "open");
  EXPECT_EQ(period.period_start, "2023-08-01T00:00:00Z");
  EXPECT_EQ(period.period_end, "2023-08-31T23:59:59Z");
  EXPECT_EQ(period.created_at, "2023-08-01T00:00:01Z");
}

TEST(DecodeEvent, DecodesInstallmentPlanCreated) {
  const Event event = DecodeSample("installment_plan.created.json");
  ASSERT_TRUE(std::holds_alternative<InstallmentPlan>(event.resource));
  const auto& plan = std::get<InstallmentPlan>(event.resource);
  EXPECT_EQ(plan.id, "IP7Q2W9E4R6T8Y");
  EXPECT_EQ(plan.customer, "CUW78XU8BYL8X6");
  EXPECT_EQ(plan.mandate, "MDGSPX6GXLMTLL");
  EXPECT_EQ(plan.description, "description");
  EXPECT_EQ(plan.currency, "EUR");
  EXPECT_EQ(plan.number_of_periods, 5);
  EXPECT_EQ(plan.state, "active");
  EXPECT_EQ(plan.metadata_json, R"({"contract":"C-77"})");
  EXPECT_EQ(plan.created_at, "2023-09-05T14:00:00Z");
}

TEST(DecodeEvent, DecodesInstallmentPlanPeriodCreated) {
  const Event event = DecodeSample("installment_plan_period.created.json");
  ASSERT_TRUE(std::holds_alternative<InstallmentPlanPeriod>(event.resource));
  const auto& period = std::get<InstallmentPlanPeriod>(event.resource);
  EXPECT_EQ(period.id, "IPP5K3M8N2B7V4");
  EXPECT_EQ(period.installment_plan, "IP7Q2W9E4R6T8Y");
  EXPECT_EQ(period.amount, 2000);
  EXPECT_EQ(period.state, "open");
  EXPECT_EQ(period.created_at, "2023-10-05T14:00:01Z");
}

TEST(DecodeEvent, DecodesPayoutPaid) {
  const Event event = DecodeSample("payout.paid.json");
  EXPECT_EQ(event.type, EventType::kPayoutPaid);
  ASSERT_TRUE(std::holds_alternative<Payout>(event.resource));
  const auto& payout = std::get<Payout>(event.resource);
  EXPECT_EQ(payout.id, "PO9D4F6G8H2J1K");
  EXPECT_EQ(payout.amount, 125050);
  EXPECT_EQ(payout.currency, "EUR");
  EXPECT_EQ(payout.state, "paid");
  EXPECT_EQ(payout.created_at, "2023-11-01T06:00:00Z");
}

TEST(DecodeEvent, EverySampleNamesItsOwnResourceKind) {
  for (const char* name :
       {"payment.paid.json", "refund.created.json", "chargeback.created.json",
        "customer.created.json", "mandate.created.json", "subscription.updated.json",
        "subscription_period.created.json", "installment_plan.created.json",
        "installment_plan_period.created.json", "payout.paid.json"}) {
    const Event event = DecodeSample(name);
    EXPECT_EQ(ResourceKindName(KindOf(event.resource)), event.resource_type) << name;
    EXPECT_EQ(ResourcePrefix(event.type_name), event.resource_type) << name;
    EXPECT_EQ(ResourceId(event.resource), event.resource_id) << name;
  }
}

TEST(DecodeEvent, KeepsUnknownEventTypeName) {
  Result<Event> event = DecodeEvent(
      R"({"id":"EVABCD","event_type":"payment.teleported","created_at":"2024-01-01T00:00:00Z"})");
  ASSERT_TRUE(event.ok());
  EXPECT_EQ(event->type, EventType::kUnknown);
  EXPECT_EQ(event->type_name, "payment.teleported");
}

TEST(DecodeEvent, GivesMonostateForUnknownResourceKind) {
  Result<Event> event = DecodeEvent(
      R"({"id":"EVABCD","event_type":"webhook.created","created_at":"2024-01-01T00:00:00Z",
          "payload":{"id":"WH123","type":"webhook","url":"https://example.com"}})");
  ASSERT_TRUE(event.ok()) << event.error().detail;
  EXPECT_TRUE(std::holds_alternative<std::monostate>(event->resource));
  EXPECT_EQ(event->resource_type, "webhook");
  EXPECT_EQ(event->resource_id, "WH123");
}

TEST(DecodeEvent, AcceptsAbsentOrNullPayload) {
  for (const char* json :
       {R"({"id":"EVABCD","event_type":"payment.paid","created_at":"2024-01-01T00:00:00Z"})",
        R"({"id":"EVABCD","event_type":"payment.paid","created_at":"2024-01-01T00:00:00Z",
            "payload":null})"}) {
    Result<Event> event = DecodeEvent(json);
    ASSERT_TRUE(event.ok()) << json;
    EXPECT_TRUE(std::holds_alternative<std::monostate>(event->resource));
    EXPECT_EQ(event->resource_type, "");
    EXPECT_EQ(event->resource_id, "");
  }
}

TEST(DecodeEvent, GivesMonostateForPayloadWithoutType) {
  Result<Event> event = DecodeEvent(
      R"({"id":"EVABCD","event_type":"payment.paid","created_at":"2024-01-01T00:00:00Z",
          "payload":{"id":"PP1","amount":1000}})");
  ASSERT_TRUE(event.ok()) << event.error().detail;
  EXPECT_TRUE(std::holds_alternative<std::monostate>(event->resource));
  EXPECT_EQ(event->resource_type, "");
  EXPECT_EQ(event->resource_id, "PP1");
}

TEST(DecodeEvent, IgnoresUnknownFields) {
  Result<Event> event = DecodeEvent(
      R"({"new_top_level":{"deep":[1,2,{"x":null}]},"id":"EVABCD","event_type":"payout.paid",
          "created_at":"2024-01-01T00:00:00Z","livemode":true,
          "payload":{"id":"PO1","type":"payout","amount":5,"fees":[{"amount":"1"}]}})");
  ASSERT_TRUE(event.ok()) << event.error().detail;
  EXPECT_EQ(std::get<Payout>(event->resource).amount, 5);
}

TEST(DecodeEvent, RejectsInvalidJson) {
  for (const char* json : {"", "{", R"({"id":"EVABCD",})", "nonsense", "{\"id\":\"EV\xff\"}"}) {
    EXPECT_TRUE(DetailOf(json).starts_with("not valid JSON")) << '"' << json << '"';
  }
}

TEST(DecodeEvent, RejectsNonObjects) {
  for (const char* json : {"[]", "\"EVABCD\"", "42", "null"}) {
    EXPECT_EQ(DetailOf(json), "not a JSON object") << json;
  }
}

TEST(DecodeEvent, RejectsMissingOrInvalidId) {
  const std::string tail = R"("event_type":"payment.paid","created_at":"2024-01-01T00:00:00Z"})";
  EXPECT_EQ(DetailOf("{" + tail), "event.id is missing");
  EXPECT_EQ(DetailOf(R"({"id":null,)" + tail), "event.id is missing");
  EXPECT_EQ(DetailOf(R"({"id":12345,)" + tail), "event.id must be a string, not an integer");
  for (const char* id : {"EVab12", "PP1234", "EV12", "EV", "EVABCD ", "EVAB-CD"}) {
    EXPECT_EQ(DetailOf(R"({"id":")" + std::string(id) + R"(",)" + tail),
              "event.id is not EV followed by 4-64 uppercase letters or digits")
        << id;
  }
}

TEST(DecodeEvent, RejectsMissingOrNonStringEventType) {
  EXPECT_EQ(DetailOf(R"({"id":"EVABCD","created_at":"2024-01-01T00:00:00Z"})"),
            "event.event_type is missing");
  EXPECT_EQ(DetailOf(R"({"id":"EVABCD","event_type":["payment.paid"],"created_at":"x"})"),
            "event.event_type must be a string, not an array");
}

TEST(DecodeEvent, RejectsMissingOrNonStringCreatedAt) {
  EXPECT_EQ(DetailOf(R"({"id":"EVABCD","event_type":"payment.paid"})"),
            "event.created_at is missing");
  EXPECT_EQ(DetailOf(R"({"id":"EVABCD","event_type":"payment.paid","created_at":1702292162})"),
            "event.created_at must be a string, not an integer");
}

TEST(DecodeEvent, RejectsPayloadThatIsNotAnObject) {
  EXPECT_EQ(DetailOf(R"({"id":"EVABCD","event_type":"payment.paid",
                         "created_at":"2024-01-01T00:00:00Z","payload":["PP1"]})"),
            "event.payload must be an object, not an array");
  EXPECT_EQ(DetailOf(R"({"id":"EVABCD","event_type":"payment.paid",
                         "created_at":"2024-01-01T00:00:00Z","payload":"PP1"})"),
            "event.payload must be an object, not a string");
}

TEST(DecodeEvent, RejectsTypedPayloadFieldsOfTheWrongType) {
  const std::string head =
      R"({"id":"EVABCD","event_type":"payment.paid","created_at":"2024-01-01T00:00:00Z",)";
  EXPECT_EQ(DetailOf(head + R"("payload":{"id":"PP1","type":"payment","amount":"10"}})"),
            "payment.amount must be an integer, not a string");
  EXPECT_EQ(DetailOf(head + R"("payload":{"id":"PP1","type":1}})"),
            "payload.type must be a string, not an integer");
  EXPECT_EQ(DetailOf(head + R"("payload":{"id":["PP1"],"type":"webhook"}})"),
            "payload.id must be a string, not an array");
  EXPECT_EQ(DetailOf(head + R"("payload":{"type":"payment","amount":10}})"),
            "payment.id is missing");
}

TEST(DecodeEvent, ReturnsIndependentEventsFromOneThread) {
  Result<Event> first = DecodeEvent(ReadSampleEvent("payment.paid.json"));
  Result<Event> second = DecodeEvent(ReadSampleEvent("payout.paid.json"));
  ASSERT_TRUE(first.ok());
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(std::get<Payment>(first->resource).description, "Test Payment");
  EXPECT_EQ(first->id, "EVYK7KCFJAXA23UKSG");
  EXPECT_EQ(second->id, "EVPO9D4F6G8H2J1K");
}

}  // namespace
}  // namespace webhookd
