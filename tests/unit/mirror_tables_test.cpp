// The mirror's per-kind tables: complete, consistent with the migration, and their upsert.
#include "handlers/mirror_tables.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <utility>
#include <variant>

#include "storage/mirror_schema.hpp"

namespace webhookd {
namespace {

// The CREATE TABLE statement of `table` in the migration, "" when absent.
std::string_view SchemaOf(std::string_view table) {
  const std::string create = "CREATE TABLE " + std::string(table) + " (";
  const size_t start = kMirrorTables.find(create);
  if (start == std::string_view::npos) return {};
  return kMirrorTables.substr(start, kMirrorTables.find(");", start) - start);
}

TEST(MirrorTables, CoverEveryKnownResourceKindOnce) {
  EXPECT_EQ(FindMirrorTable(ResourceKind::kUnknown), nullptr);
  for (size_t i = 1; i < std::variant_size_v<Resource>; ++i) {
    const auto kind = static_cast<ResourceKind>(i);
    const MirrorTable* table = FindMirrorTable(kind);
    ASSERT_NE(table, nullptr) << ResourceKindName(kind);
    EXPECT_EQ(table->kind, kind);
  }
  EXPECT_EQ(AllMirrorTables().size(), std::variant_size_v<Resource> - 1);
}

TEST(MirrorTables, NameOnlyColumnsTheMigrationCreates) {
  for (const MirrorTable& table : AllMirrorTables()) {
    const std::string_view schema = SchemaOf(table.name);
    ASSERT_FALSE(schema.empty()) << table.name;
    for (const std::string_view column : table.columns) {
      EXPECT_NE(schema.find("\n  " + std::string(column) + " "), std::string_view::npos)
          << table.name << "." << column;
    }
  }
}

// Default-constructed resources have every optional field empty.
template <size_t... kIndex>
void ExpectOneValuePerColumn(std::index_sequence<kIndex...>) {
  (
      [] {
        const Resource resource{std::in_place_index<kIndex + 1>};
        const MirrorTable* table = FindMirrorTable(KindOf(resource));
        ASSERT_NE(table, nullptr);
        const MirrorValues values = table->values(resource);
        EXPECT_EQ(values.size(), table->columns.size()) << table->name;
        for (const auto& value : values) EXPECT_FALSE(value.has_value()) << table->name;
      }(),
      ...);
}

TEST(MirrorTables, GiveOneValuePerColumnAndNullForAbsentFields) {
  ExpectOneValuePerColumn(std::make_index_sequence<std::variant_size_v<Resource> - 1>());
}

TEST(MirrorTables, WritePaymentFieldsAsSqlTextWithTimestampsInUtc) {
  Payment payment;
  payment.id = "PP1";
  payment.amount = 1000;
  payment.state = "paid";
  payment.paid_at = "2023-06-30T14:44:35+02:00";
  payment.created_at = "yesterday";
  const MirrorTable& table = *FindMirrorTable(ResourceKind::kPayment);
  const MirrorValues values = table.values(Resource{payment});
  auto value_of = [&](std::string_view column) {
    const auto at = std::find(table.columns.begin(), table.columns.end(), column);
    EXPECT_NE(at, table.columns.end()) << column;
    return values.at(static_cast<size_t>(at - table.columns.begin()));
  };
  EXPECT_EQ(value_of("amount"), "1000");
  EXPECT_EQ(value_of("state"), "paid");
  EXPECT_EQ(value_of("currency"), std::nullopt);
  EXPECT_EQ(value_of("paid_at"), "2023-06-30T12:44:35Z");
  EXPECT_EQ(value_of("created_at"), std::nullopt);
}

TEST(MirrorTables, UpsertBindsEveryValueAndOnlyMovesForward) {
  const MirrorTable& table = *FindMirrorTable(ResourceKind::kRefund);
  const std::string sql = BuildMirrorUpsert(table);
  EXPECT_EQ(
      sql.find(
          "INSERT INTO paypro_mirror_refunds (id, payment, amount, state, created_at, resource,"
          " last_event_id, last_event_type, last_event_at) VALUES ($1, $2, $3, $4, $5, $6::jsonb,"
          " $7, $8, $9::timestamptz) ON CONFLICT (id) DO UPDATE SET payment = EXCLUDED.payment,"),
      0u)
      << sql;
  EXPECT_EQ(sql.find("$10"), std::string::npos) << sql;
  EXPECT_NE(
      sql.find(" WHERE paypro_mirror_refunds.last_event_at < EXCLUDED.last_event_at"
               " OR (paypro_mirror_refunds.last_event_at = EXCLUDED.last_event_at"
               " AND paypro_mirror_refunds.last_event_id COLLATE \"C\" < EXCLUDED.last_event_id"
               " COLLATE \"C\")"),
      std::string::npos)
      << sql;
}

}  // namespace
}  // namespace webhookd
