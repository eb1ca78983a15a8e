// Tests for decoding payload objects into typed resources.
#include "handlers/resource_decode.hpp"

#include <gtest/gtest.h>

#include <string>

namespace webhookd {
namespace {

Result<Resource> DecodeJson(std::string_view json) {
  simdjson::dom::parser parser;
  simdjson::dom::element payload;
  EXPECT_EQ(parser.parse(json.data(), json.size()).get(payload), simdjson::SUCCESS) << json;
  return DecodeResource(payload);
}

std::string DetailOf(std::string_view json) {
  Result<Resource> decoded = DecodeJson(json);
  EXPECT_FALSE(decoded.ok()) << json;
  if (decoded.ok()) return {};
  EXPECT_EQ(decoded.error().code, ErrorCode::kBadRequest);
  return decoded.error().detail;
}

constexpr ResourceKind kKnownKinds[] = {
    ResourceKind::kPayment,
    ResourceKind::kRefund,
    ResourceKind::kChargeback,
    ResourceKind::kCustomer,
    ResourceKind::kMandate,
    ResourceKind::kSubscription,
    ResourceKind::kSubscriptionPeriod,
    ResourceKind::kInstallmentPlan,
    ResourceKind::kInstallmentPlanPeriod,
    ResourceKind::kPayout,
};

TEST(DecodeResource, PicksTheStructNamedByType) {
  for (ResourceKind kind : kKnownKinds) {
    const std::string json =
        R"({"type":")" + std::string(ResourceKindName(kind)) + R"(","id":"XX1234"})";
    Result<Resource> decoded = DecodeJson(json);
    ASSERT_TRUE(decoded.ok()) << json << ": " << decoded.error().detail;
    EXPECT_EQ(KindOf(*decoded), kind) << json;
    EXPECT_EQ(ResourceId(*decoded), "XX1234");
  }
}

TEST(DecodeResource, RequiresIdOnEveryKnownKind) {
  for (ResourceKind kind : kKnownKinds) {
    const std::string name(ResourceKindName(kind));
    EXPECT_EQ(DetailOf(R"({"type":")" + name + R"("})"), name + ".id is missing");
  }
}

TEST(DecodeResource, GivesMonostateForUnknownOrAbsentType) {
  for (const char* json :
       {R"({"type":"webhook","id":"WH1"})", R"({"type":"pay_method"})",
        R"({"id":"PP1","amount":"not even checked"})", R"({})", R"({"type":null,"id":"PP1"})"}) {
    Result<Resource> decoded = DecodeJson(json);
    ASSERT_TRUE(decoded.ok()) << json;
    EXPECT_TRUE(std::holds_alternative<std::monostate>(*decoded)) << json;
  }
}

TEST(DecodeResource, RejectsNonStringType) {
  EXPECT_EQ(DetailOf(R"({"type":7,"id":"PP1"})"), "payload.type must be a string, not an integer");
}

TEST(DecodeResource, RejectsPayloadThatIsNotAnObject) {
  for (const char* json : {R"([])", R"("payment")", R"(null)", R"(1)"}) {
    EXPECT_EQ(DetailOf(json), "payload must be an object") << json;
  }
}

TEST(DecodeResource, ReadsPaymentFieldsAndIgnoresUnknownOnes) {
  Result<Resource> decoded = DecodeJson(R"({
      "id": "PP1", "type": "payment", "amount": 1000, "currency": "EUR",
      "description": "Caf\u00e9", "state": "open", "refunded_amount": 0,
      "pay_method": {"id": "ideal"}, "metadata": {"k": "v"}, "paid_at": null,
      "created_at": "2023-06-30T12:40:10Z", "brand_new_field": [1, 2, 3],
      "_links": {"self": "https://api.paypro.nl/payments/PP1"}})");
  ASSERT_TRUE(decoded.ok()) << decoded.error().detail;
  const auto& payment = std::get<Payment>(*decoded);
  EXPECT_EQ(payment.id, "PP1");
  EXPECT_EQ(payment.amount, 1000);
  EXPECT_EQ(payment.currency, "EUR");
  EXPECT_EQ(payment.description, "Caf\xC3\xA9");
  EXPECT_EQ(payment.state, "open");
  EXPECT_EQ(payment.refunded_amount, 0);
  EXPECT_EQ(payment.pay_method_json, R"({"id":"ideal"})");
  EXPECT_EQ(payment.metadata_json, R"({"k":"v"})");
  EXPECT_EQ(payment.paid_at, std::nullopt);
  EXPECT_EQ(payment.created_at, "2023-06-30T12:40:10Z");
}

TEST(DecodeResource, LeavesAbsentOptionalFieldsEmpty) {
  Result<Resource> decoded = DecodeJson(R"({"id":"PS1","type":"subscription"})");
  ASSERT_TRUE(decoded.ok());
  const auto& subscription = std::get<Subscription>(*decoded);
  EXPECT_EQ(subscription.description, std::nullopt);
  EXPECT_EQ(subscription.state, std::nullopt);
  EXPECT_EQ(subscription.metadata_json, std::nullopt);
  EXPECT_EQ(subscription.created_at, std::nullopt);
}

TEST(DecodeResource, NamesTheFieldOfTheWrongType) {
  EXPECT_EQ(DetailOf(R"({"id":"PP1","type":"payment","amount":"1000"})"),
            "payment.amount must be an integer, not a string");
  EXPECT_EQ(DetailOf(R"({"id":"PP1","type":"payment","metadata":[]})"),
            "payment.metadata must be an object, not an array");
  EXPECT_EQ(DetailOf(R"({"id":7,"type":"customer"})"),
            "customer.id must be a string, not an integer");
  EXPECT_EQ(DetailOf(R"({"id":"IP1","type":"installment_plan","number_of_periods":2.5})"),
            "installment_plan.number_of_periods must be an integer, not a fractional number");
  EXPECT_EQ(DetailOf(R"({"id":"SP1","type":"subscription_period","period_end":false})"),
            "subscription_period.period_end must be a string, not a boolean");
}

TEST(DecodeResource, ReadsChargebackRefundedAtWhenChargedBackAtIsAbsent) {
  // The reference's sample response uses refunded_at where its schema says charged_back_at.
  Result<Resource> decoded =
      DecodeJson(R"({"id":"PCG1","type":"chargeback","refunded_at":"2023-06-30T12:44:35Z"})");
  ASSERT_TRUE(decoded.ok());
  EXPECT_EQ(std::get<Chargeback>(*decoded).charged_back_at, "2023-06-30T12:44:35Z");

  decoded = DecodeJson(R"({"id":"PCG1","type":"chargeback","charged_back_at":"A",
                           "refunded_at":"B"})");
  ASSERT_TRUE(decoded.ok());
  EXPECT_EQ(std::get<Chargeback>(*decoded).charged_back_at, "A");
}

TEST(DecodeResource, KeepsMandatePayMethodAsJsonOfEitherKind) {
  Result<Resource> text =
      DecodeJson(R"({"id":"MD1","type":"mandate","pay_method":"direct-debit"})");
  ASSERT_TRUE(text.ok());
  EXPECT_EQ(std::get<Mandate>(*text).pay_method_json, R"("direct-debit")");
  Result<Resource> object =
      DecodeJson(R"({"id":"MD1","type":"mandate","pay_method":{"id":"direct-debit"}})");
  ASSERT_TRUE(object.ok());
  EXPECT_EQ(std::get<Mandate>(*object).pay_method_json, R"({"id":"direct-debit"})");
}

}  // namespace
}  // namespace webhookd
