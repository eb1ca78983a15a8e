// Tests that the per-kind field tables cover what PayPro sends.
#include "handlers/resource_fields.hpp"

#include <gtest/gtest.h>
#include <simdjson.h>

#include <algorithm>
#include <filesystem>
#include <string>

namespace webhookd {
namespace {

bool Has(ResourceKind kind, std::string_view field) {
  const auto fields = ResourceFieldNames(kind);
  return std::find(fields.begin(), fields.end(), field) != fields.end();
}

TEST(ResourceFields, EveryKnownKindHasIdAndTypeFirst) {
  for (int index = 1; index <= static_cast<int>(ResourceKind::kPayout); ++index) {
    const auto kind = static_cast<ResourceKind>(index);
    const auto fields = ResourceFieldNames(kind);
    ASSERT_GE(fields.size(), 3u) << ResourceKindName(kind);
    EXPECT_EQ(fields[0], "id");
    EXPECT_EQ(fields[1], "type");
  }
  EXPECT_TRUE(ResourceFieldNames(ResourceKind::kUnknown).empty());
}

TEST(ResourceFields, NamesFieldsAsPayProSendsThem) {
  EXPECT_TRUE(Has(ResourceKind::kPayment, "pay_method"));
  EXPECT_FALSE(Has(ResourceKind::kPayment, "pay_method_json"));
  EXPECT_TRUE(Has(ResourceKind::kPayment, "metadata"));
  EXPECT_TRUE(Has(ResourceKind::kChargeback, "refunded_at"));
  EXPECT_TRUE(Has(ResourceKind::kInstallmentPlanPeriod, "installment_plan"));
  EXPECT_FALSE(Has(ResourceKind::kRefund, "currency"));
  EXPECT_FALSE(Has(ResourceKind::kPayout, "metadata"));
}

// Each sample under tests/data/events is named after its event type; every
// key of its payload must be in its kind's table (links excepted).
TEST(ResourceFields, CoverEveryPayloadKeyOfTheSamples) {
  int samples = 0;
  for (const auto& entry : std::filesystem::directory_iterator(TEST_DATA_DIR "/events")) {
    simdjson::dom::parser parser;
    simdjson::dom::element event;
    ASSERT_EQ(parser.load(entry.path().string()).get(event), simdjson::SUCCESS) << entry.path();
    std::string_view type;
    ASSERT_EQ(event["payload"]["type"].get(type), simdjson::SUCCESS) << entry.path();
    const ResourceKind kind = ParseResourceKind(type);
    ASSERT_NE(kind, ResourceKind::kUnknown) << type;
    simdjson::dom::object payload;
    ASSERT_EQ(event["payload"].get(payload), simdjson::SUCCESS);
    for (const auto field : payload) {
      if (field.key == "_links") continue;
      EXPECT_TRUE(Has(kind, field.key)) << type << " lacks " << field.key;
    }
    ++samples;
  }
  EXPECT_EQ(samples, 10);
}

}  // namespace
}  // namespace webhookd
