// PostgreSQL: the sql handler binds event fields to its prepared statement,
// and prepares anew when PostgreSQL says a statement's plan went stale.
#include "handlers/sql_handler.hpp"

#include <gtest/gtest.h>

#include <pqxx/pqxx>
#include <stdexcept>

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

  // What a batch would send for one event through `handler`.
  std::string StatementFor(SqlHandler& handler) {
    auto event = DecodeEvent(json_);
    auto fields = EventFields::Parse(json_);
    if (!event.ok() || !fields.ok()) throw std::runtime_error("the sample event does not decode");
    pqxx::work tx(*connection_);
    const std::optional<std::string> statement = handler.StatementFor({*event, *fields, &tx});
    if (!statement) throw std::runtime_error("the sql handler gave no statement");
    return *statement;
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

TEST_F(SqlHandlerPgTest, StatementForPassesHostileValuesAsQuotedLiterals) {
  // What a batch sends for a call: the prepared statement run by EXECUTE,
  // its values written into the SQL as literals. A value must arrive as it
  // was, whatever quotes, backslashes or statements it carries.
  const std::string hostile = R"(it's \'; DROP TABLE orders; -- $$ \" é)";
  const std::string json_hostile = R"(it's \\'; DROP TABLE orders; -- $$ \\\" é)";
  const std::string marker = "\"Test Payment\"";
  json_.replace(json_.find(marker), marker.size(), "\"" + json_hostile + "\"");
  const std::string statement =
      StatementFor(*Make("INSERT INTO orders VALUES (:payload.description, :payload.no_such_field)"));
  EXPECT_EQ(statement.rfind("EXECUTE sql_handler_", 0), 0u) << statement;
  {
    pqxx::work tx(*connection_);
    tx.exec(statement + "; " + statement);
    tx.commit();
  }
  pqxx::work check(*connection_);
  const pqxx::result rows = check.exec_params("SELECT count(*) FROM orders WHERE payment = $1 AND amount IS NULL", hostile);
  EXPECT_EQ(rows[0][0].as<int>(), 2) << "the value arrives unchanged, the missing field as NULL";
}

TEST_F(SqlHandlerPgTest, StatementForWithoutPlaceholdersHasNoArguments) {
  const std::string statement = StatementFor(*Make("INSERT INTO orders VALUES ('fixed', 1)"));
  EXPECT_EQ(statement.find('('), std::string::npos) << statement;
  pqxx::work tx(*connection_);
  tx.exec(statement);
  EXPECT_EQ(tx.exec("SELECT count(*) FROM orders WHERE payment = 'fixed'")[0][0].as<int>(), 1);
}

}  // namespace
}  // namespace webhookd::testing
