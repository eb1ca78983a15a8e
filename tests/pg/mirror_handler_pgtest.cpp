// PostgreSQL: the mirror handler's typed upserts and how event versions order them.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <algorithm>

#include "handlers/mirror_handler.hpp"
#include "handlers/mirror_tables.hpp"
#include "storage/migrations.hpp"
#include "tests/support/test_data.hpp"
#include "tests/support/test_database.hpp"

namespace webhookd::testing {
namespace {

// Replaces every `from` in `text`; fails the test when there is none, so a
// sample file that changes cannot quietly turn a test into a no-op.
std::string Replace(std::string text, std::string_view from, std::string_view to) {
  size_t at = text.find(from);
  EXPECT_NE(at, std::string::npos) << from;
  for (; at != std::string::npos; at = text.find(from, at + to.size()))
    text.replace(at, from.size(), to);
  return text;
}

// payment.paid.json re-dated and re-identified as another event on the same payment.
std::string PaymentEvent(std::string_view event_id, std::string_view type,
                         std::string_view created_at, std::string_view state) {
  std::string json = Replace(ReadSampleEvent("payment.paid.json"), "EVYK7KCFJAXA23UKSG", event_id);
  json =
      Replace(json, R"("event_type": "payment.paid")", fmt::format(R"("event_type": "{}")", type));
  json = Replace(json, R"("created_at": "2023-06-30T12:44:36Z")",
                 fmt::format(R"("created_at": "{}")", created_at));
  return Replace(json, R"("state": "paid")", fmt::format(R"("state": "{}")", state));
}

constexpr std::string_view kPaymentId = "PPH25H07JYWLR7PA82";

HandlerSettings MirrorSettings() {
  HandlerSettings settings;
  settings.name = "mirror";
  return settings;
}

class MirrorHandlerPgTest : public ::testing::Test {
 protected:
  void SetUp() override {
    connection_ = database_.Connect();
    auto version = ApplyMigrations(*connection_);
    ASSERT_TRUE(version.ok()) << version.error().detail;
  }

  // Runs the handler on `json` in a transaction of its own, committed only when Done.
  HandlerOutcome Apply(const std::string& json) {
    auto event = DecodeEvent(json);
    auto fields = EventFields::Parse(json);
    if (!event || !fields) {
      ADD_FAILURE() << "sample does not decode: " << json;
      return HandlerOutcome::Retry("sample does not decode");
    }
    pqxx::work tx(*connection_);
    HandlerOutcome outcome = handler_.Handle(HandlerCall{*event, *fields, &tx});
    if (outcome.kind == HandlerOutcome::Kind::kDone) tx.commit();
    return outcome;
  }

  void ApplyOk(const std::string& json) {
    const HandlerOutcome outcome = Apply(json);
    EXPECT_EQ(outcome.kind, HandlerOutcome::Kind::kDone) << outcome.error;
  }

  // The first column of the single row `sql` returns, as text; "<null>" for NULL.
  template <typename... Args>
  std::string Query(const std::string& sql, Args&&... args) {
    pqxx::nontransaction tx(*connection_);
    const pqxx::row row = tx.exec_params1(sql, std::forward<Args>(args)...);
    return row[0].is_null() ? "<null>" : row[0].as<std::string>();
  }

  std::string Payment(std::string_view column) {
    return Query(fmt::format("SELECT ({})::text FROM paypro_mirror_payments WHERE id = $1", column),
                 std::string(kPaymentId));
  }

  int RowsInAllMirrorTables() {
    int rows = 0;
    for (const MirrorTable& table : AllMirrorTables()) {
      rows += std::stoi(Query(fmt::format("SELECT count(*) FROM {}", table.name)));
    }
    return rows;
  }

  TestDatabase database_;
  std::unique_ptr<pqxx::connection> connection_;
  MirrorHandler handler_{MirrorSettings()};
};

struct Sample {
  std::string file;  ///< tests/data/events/<file>.json
  std::string table;
};

void PrintTo(const Sample& sample, std::ostream* out) { *out << sample.file; }

class MirrorEachKindPgTest : public MirrorHandlerPgTest,
                             public ::testing::WithParamInterface<Sample> {
 protected:
  // The typed columns of the table as the migration made them, in order.
  std::vector<std::string> SchemaColumns(const std::string& table) {
    pqxx::nontransaction tx(*connection_);
    std::vector<std::string> columns;
    for (const pqxx::row& row : tx.exec_params("SELECT column_name FROM information_schema.columns "
                                               "WHERE table_name = $1 AND column_name"
                                               " NOT IN ('id', 'resource', 'last_event_id', "
                                               "'last_event_type', 'last_event_at', 'updated_at')"
                                               " ORDER BY ordinal_position",
                                               table)) {
      columns.push_back(row[0].as<std::string>());
    }
    return columns;
  }
};

TEST_P(MirrorEachKindPgTest, UpsertsTypedColumnsAndPayload) {
  const Sample& sample = GetParam();
  const std::string json = ReadSampleEvent(sample.file + ".json");
  ApplyOk(json);

  ASSERT_EQ(RowsInAllMirrorTables(), 1);
  const std::string row =
      fmt::format("FROM {} WHERE id = ($1::jsonb #>> '{{payload,id}}')", sample.table);
  EXPECT_EQ(Query("SELECT resource = ($1::jsonb -> 'payload') " + row, json), "t");
  EXPECT_EQ(Query("SELECT last_event_id = ($1::jsonb ->> 'id') " + row, json), "t");
  EXPECT_EQ(Query("SELECT last_event_type = ($1::jsonb ->> 'event_type') " + row, json), "t");
  EXPECT_EQ(Query("SELECT last_event_at = ($1::jsonb ->> 'created_at')::timestamptz " + row, json),
            "t");

  // Every typed column holds the payload's field of the same name, typed as
  // the column (jsonb_populate_record reads the payload into the row type).
  const std::vector<std::string> columns = SchemaColumns(sample.table);
  ASSERT_FALSE(columns.empty());
  for (const std::string& column : columns) {
    EXPECT_EQ(Query(fmt::format("SELECT t.{0} IS NOT DISTINCT FROM j.{0} FROM {1} t,"
                                " jsonb_populate_record(NULL::{1}, t.resource) j",
                                column, sample.table)),
              "t")
        << sample.table << "." << column;
    const std::string in_payload =
        Query(fmt::format("SELECT $1::jsonb -> 'payload' ->> '{}'", column), json);
    if (in_payload != "<null>") {
      EXPECT_NE(Query(fmt::format("SELECT {}::text FROM {}", column, sample.table)), "<null>")
          << sample.table << "." << column;
    }
  }

  // The handler's column list is the schema's, so no column is left unfilled.
  const MirrorTable* table =
      FindMirrorTable(ParseResourceKind(Query("SELECT $1::jsonb #>> '{payload,type}'", json)));
  ASSERT_NE(table, nullptr);
  EXPECT_EQ(table->name, sample.table);
  EXPECT_EQ(columns, std::vector<std::string>(table->columns.begin(), table->columns.end()));
}

INSTANTIATE_TEST_SUITE_P(
    Samples, MirrorEachKindPgTest,
    ::testing::Values(Sample{"payment.paid", "paypro_mirror_payments"},
                      Sample{"refund.created", "paypro_mirror_refunds"},
                      Sample{"chargeback.created", "paypro_mirror_chargebacks"},
                      Sample{"customer.created", "paypro_mirror_customers"},
                      Sample{"mandate.created", "paypro_mirror_mandates"},
                      Sample{"subscription.updated", "paypro_mirror_subscriptions"},
                      Sample{"subscription_period.created", "paypro_mirror_subscription_periods"},
                      Sample{"installment_plan.created", "paypro_mirror_installment_plans"},
                      Sample{"installment_plan_period.created",
                             "paypro_mirror_installment_plan_periods"},
                      Sample{"payout.paid", "paypro_mirror_payouts"}),
    [](const ::testing::TestParamInfo<Sample>& info) {
      std::string name = info.param.file;
      std::replace(name.begin(), name.end(), '.', '_');
      return name;
    });

TEST_F(MirrorHandlerPgTest, StoresPaymentAmountAndStateTyped) {
  ApplyOk(ReadSampleEvent("payment.paid.json"));
  EXPECT_EQ(Payment("amount"), "1000");
  EXPECT_EQ(Payment("pg_typeof(amount)"), "bigint");
  EXPECT_EQ(Payment("state"), "paid");
  EXPECT_EQ(Payment("currency"), "EUR");
  EXPECT_EQ(Payment("paid_at = '2023-06-30T12:44:35Z'"), "true");
  EXPECT_EQ(Payment("resource -> 'metadata' ->> 'order_id'"), "1042");
}

TEST_F(MirrorHandlerPgTest, OlderEventArrivingLateDoesNotRollStateBack) {
  ApplyOk(ReadSampleEvent("payment.paid.json"));
  ApplyOk(PaymentEvent("EVCREATED0001", "payment.created", "2023-06-30T12:40:11Z", "open"));
  EXPECT_EQ(Payment("state"), "paid");
  EXPECT_EQ(Payment("resource ->> 'state'"), "paid");
  EXPECT_EQ(Payment("last_event_type"), "payment.paid");
  EXPECT_EQ(Payment("last_event_id"), "EVYK7KCFJAXA23UKSG");
}

TEST_F(MirrorHandlerPgTest, NewerEventUpdatesTheRow) {
  ApplyOk(PaymentEvent("EVCREATED0001", "payment.created", "2023-06-30T12:40:11Z", "open"));
  EXPECT_EQ(Payment("state"), "open");
  ApplyOk(ReadSampleEvent("payment.paid.json"));
  EXPECT_EQ(Payment("state"), "paid");
  EXPECT_EQ(Payment("resource ->> 'state'"), "paid");
  EXPECT_EQ(Payment("last_event_type"), "payment.paid");
  EXPECT_EQ(Payment("last_event_at = '2023-06-30T12:44:36Z'"), "true");
}

TEST_F(MirrorHandlerPgTest, SameInstantGoesToTheGreaterEventIdWhateverTheOrder) {
  // "EVB..." > "EVA...": its state wins though it is not the "later" state.
  const std::string lower =
      PaymentEvent("EVAAAA0001", "payment.paid", "2023-06-30T12:44:36Z", "paid");
  const std::string greater =
      PaymentEvent("EVBBBB0001", "payment.canceled", "2023-06-30T12:44:36Z", "canceled");
  ApplyOk(greater);
  ApplyOk(lower);
  EXPECT_EQ(Payment("state"), "canceled");
  EXPECT_EQ(Payment("last_event_id"), "EVBBBB0001");

  ASSERT_EQ(Query("DELETE FROM paypro_mirror_payments RETURNING id"), kPaymentId);
  ApplyOk(lower);
  ApplyOk(greater);
  EXPECT_EQ(Payment("state"), "canceled");
  EXPECT_EQ(Payment("last_event_id"), "EVBBBB0001");
}

TEST_F(MirrorHandlerPgTest, RedeliveredEventChangesNothing) {
  const std::string json = ReadSampleEvent("payment.paid.json");
  ApplyOk(json);
  const std::string updated_at = Payment("updated_at");
  ApplyOk(json);
  EXPECT_EQ(Payment("updated_at"), updated_at);
  EXPECT_EQ(RowsInAllMirrorTables(), 1);
}

TEST_F(MirrorHandlerPgTest, UnknownResourceKindDoesNothing) {
  ApplyOk(
      Replace(ReadSampleEvent("payment.paid.json"), R"("type": "payment")", R"("type": "widget")"));
  ApplyOk(
      R"({"id": "EVNOPAYLOAD01", "event_type": "payment.paid", "created_at": "2023-06-30T12:44:36Z"})");
  EXPECT_EQ(RowsInAllMirrorTables(), 0);
}

TEST_F(MirrorHandlerPgTest, PayloadThatJsonbRefusesIsRetried) {
  const HandlerOutcome outcome =
      Apply(Replace(ReadSampleEvent("payment.paid.json"), "Test Payment", R"(Test\u0000Payment)"));
  EXPECT_EQ(outcome.kind, HandlerOutcome::Kind::kRetry);
  EXPECT_NE(outcome.error.find("paypro_mirror_payments"), std::string::npos) << outcome.error;
  // The connection is usable again once the caller has rolled back.
  ApplyOk(ReadSampleEvent("payment.paid.json"));
  EXPECT_EQ(Payment("state"), "paid");
}

TEST_F(MirrorHandlerPgTest, TimestampThatIsNotRfc3339IsStoredAsNull) {
  ApplyOk(Replace(ReadSampleEvent("payment.paid.json"), R"("paid_at": "2023-06-30T12:44:35Z")",
                  R"("paid_at": "yesterday")"));
  EXPECT_EQ(Payment("paid_at"), "<null>");
  EXPECT_EQ(Payment("resource ->> 'paid_at'"), "yesterday");
  EXPECT_EQ(Payment("created_at = '2023-06-30T12:40:10Z'"), "true");
}

TEST_F(MirrorHandlerPgTest, WritesOnlyInsideTheCallersTransaction) {
  const std::string json = ReadSampleEvent("payment.paid.json");
  auto event = DecodeEvent(json);
  auto fields = EventFields::Parse(json);
  ASSERT_TRUE(event && fields);
  {
    pqxx::work tx(*connection_);
    ASSERT_EQ(handler_.Handle(HandlerCall{*event, *fields, &tx}).kind, HandlerOutcome::Kind::kDone);
    tx.abort();
  }
  EXPECT_EQ(RowsInAllMirrorTables(), 0);
}

}  // namespace
}  // namespace webhookd::testing
