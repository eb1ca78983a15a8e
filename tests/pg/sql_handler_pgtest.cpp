// PostgreSQL: the sql handler binds event fields to its prepared statement,
// and prepares anew when PostgreSQL says a statement's plan went stale.
#include "handlers/sql_handler.hpp"

#include <gtest/gtest.h>

#include <pqxx/pqxx>

#include "handlers/event.hpp"
#include "handlers/event_fields.hpp"
#include "tests/support/test_data.hpp"
#include "tests/support/test_database.hpp"

namespace webhookd::testing {
namespace {

class SqlHandlerPgTest : public ::testing::Test {
 protected:
  void SetUp() override {
    database_.Scalar("CREATE TABLE orders (payment text, amount integer)");
    connection_ = database_.Connect();
    json_ = ReadSampleEvent("payment.paid.json");
  }

  std::shared_ptr<SqlHandler> Make(const std::string& statement) {
    auto handler = SqlHandler::Create(HandlerSettings{"orders", {}, {}}, SqlHandlerSpec{statement});
    EXPECT_TRUE(handler.ok());
    return *handler;
  }

  // One event through `handler` in a transaction of its own on the test's one connection.
  HandlerOutcome Run(SqlHandler& handler) {
    auto event = DecodeEvent(json_);
    auto fields = EventFields::Parse(json_);
    EXPECT_TRUE(event.ok() && fields.ok());
    pqxx::work tx(*connection_);
    HandlerOutcome outcome = handler.Handle({*event, *fields, &tx});
    if (outcome.kind == HandlerOutcome::Kind::kDone) tx.commit();
    return outcome;
  }

  TestDatabase database_;
  std::unique_ptr<pqxx::connection> connection_;
  std::string json_;
};

TEST_F(SqlHandlerPgTest, BindsEventFieldsOnEveryRun) {
  auto handler = Make("INSERT INTO orders VALUES (:payload.id, :payload.amount)");
  EXPECT_EQ(Run(*handler).kind, HandlerOutcome::Kind::kDone);
  EXPECT_EQ(Run(*handler).kind, HandlerOutcome::Kind::kDone);
  EXPECT_EQ(database_.Scalar("SELECT count(*) FROM orders WHERE payment LIKE 'PP%' AND amount = 1000"), "2");
}

TEST_F(SqlHandlerPgTest, StalePlanFailsOnceThenIsPreparedAnew) {
  auto handler = Make("INSERT INTO orders VALUES (:payload.id, :payload.amount) RETURNING *");
  ASSERT_EQ(Run(*handler).kind, HandlerOutcome::Kind::kDone);
  database_.Scalar("ALTER TABLE orders ADD COLUMN note text");

  const HandlerOutcome stale = Run(*handler);
  EXPECT_EQ(stale.kind, HandlerOutcome::Kind::kRetry);
  EXPECT_NE(stale.error.find("0A000"), std::string::npos) << stale.error;
  EXPECT_EQ(Run(*handler).kind, HandlerOutcome::Kind::kDone) << "the retry prepares the statement again";
  EXPECT_EQ(database_.Scalar("SELECT count(*) FROM orders"), "2");
}

TEST_F(SqlHandlerPgTest, HandlersOfOneNameWithOtherStatementsDoNotCollide) {
  // A reload keeps the name and changes the statement; connections outlive reloads.
  EXPECT_EQ(Run(*Make("INSERT INTO orders VALUES (:payload.id, :payload.amount)")).kind,
            HandlerOutcome::Kind::kDone);
  EXPECT_EQ(Run(*Make("INSERT INTO orders (payment) VALUES (:id)")).kind, HandlerOutcome::Kind::kDone);
  EXPECT_EQ(database_.Scalar("SELECT count(*) FROM orders WHERE amount IS NULL AND payment LIKE 'EV%'"), "1");
}

}  // namespace
}  // namespace webhookd::testing
