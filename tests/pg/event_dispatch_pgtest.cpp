// PostgreSQL: the statements of a round's in-database handler calls, sent
// together in one message, and the calls one at a time behind a savepoint,
// where a failing call names its event and handler.
#include "daemon/event_dispatch.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <pqxx/pqxx>
#include <stdexcept>

#include "daemon/handler_stats.hpp"
#include "handlers/notify_handler.hpp"
#include "handlers/sql_handler.hpp"
#include "tests/support/test_data.hpp"
#include "tests/support/test_database.hpp"

namespace webhookd::testing {
namespace {

// Stamps the event's id with the time PostgreSQL received the statement's
// message, through its statement only: were it run one call at a time,
// Handle would refuse. Calls sent together share one stamp.
class StatementOnlyHandler final : public Handler {
 public:
  StatementOnlyHandler() : Handler(HandlerSettings{"statement-only", {}, {}}) {}
  HandlerPhase phase() const override { return HandlerPhase::kInTransaction; }
  HandlerOutcome Handle(const HandlerCall&) override { return HandlerOutcome::Retry("called one at a time"); }
  std::optional<std::string> StatementFor(const HandlerCall& call) override {
    return "INSERT INTO stamps VALUES (" + call.tx->quote(call.event.id) + ", statement_timestamp())";
  }
};

// Has no statement of its own: its calls must run one at a time.
class CallOnlyHandler final : public Handler {
 public:
  CallOnlyHandler() : Handler(HandlerSettings{"call-only", {}, {}}) {}
  HandlerPhase phase() const override { return HandlerPhase::kInTransaction; }
  HandlerOutcome Handle(const HandlerCall& call) override {
    call.tx->exec_params0("INSERT INTO orders (payment, amount) VALUES ($1, 0)", call.event.id);
    return HandlerOutcome::Done();
  }
};

class EventDispatchPgTest : public ::testing::Test {
 protected:
  void SetUp() override {
    database_.Scalar("CREATE TABLE orders (payment text, amount integer CHECK (amount < 5000))");
    database_.Scalar("CREATE TABLE stamps (payment text, at timestamptz)");
    connection_ = database_.Connect();
  }

  // The sample payment.paid event under `id`, with `amount`, for `handlers`.
  static Dispatch Paid(const std::string& id, int amount, std::vector<Handler*> handlers) {
    std::string json = ReadSampleEvent("payment.paid.json");
    json.replace(json.find("EVYK7KCFJAXA23UKSG"), 18, id);
    json.replace(json.find("\"amount\": 1000"), 14, "\"amount\": " + std::to_string(amount));
    auto event = DecodeEvent(json);
    auto fields = EventFields::Parse(json);
    if (!event.ok() || !fields.ok()) throw std::runtime_error("the sample event does not decode");
    return Dispatch{std::move(*event), std::move(*fields), std::move(handlers), {}, {}};
  }

  std::shared_ptr<SqlHandler> Sql(const std::string& statement) {
    auto handler = SqlHandler::Create(HandlerSettings{"orders", {}, {}}, SqlHandlerSpec{statement});
    EXPECT_TRUE(handler.ok());
    return *handler;
  }

  std::string Orders() {
    return database_.Scalar(
        "SELECT string_agg(payment || ':' || coalesce(amount::text, '-'), ',' ORDER BY payment, amount NULLS FIRST)"
        " FROM orders");
  }

  TestDatabase database_;
  std::unique_ptr<pqxx::connection> connection_;
  HandlerStats stats_;
  std::vector<CommittedRun> runs_;
};

TEST_F(EventDispatchPgTest, TheRoundsStatementsGoInOneMessage) {
  auto sql = Sql("INSERT INTO orders VALUES (:id, :payload.amount)");
  StatementOnlyHandler statement_only;
  std::vector<Dispatch> round;
  round.push_back(Paid("EVAAAAAAAAAAAAAAA1", 1000, {sql.get(), &statement_only}));
  round.push_back(Paid("EVAAAAAAAAAAAAAAA2", 2000, {sql.get(), &statement_only}));
  round.push_back(Paid("EVAAAAAAAAAAAAAAA3", 3000, {&statement_only}));
  pqxx::work tx(*connection_);
  const std::optional<HandlerStatements> statements = StatementsOf(round, tx, stats_);
  ASSERT_TRUE(statements.has_value());
  tx.exec(statements->sql + "SELECT 'and the caller''s own'");
  tx.commit();
  EXPECT_EQ(Orders(), "EVAAAAAAAAAAAAAAA1:1000,EVAAAAAAAAAAAAAAA2:2000");
  EXPECT_EQ(database_.Scalar("SELECT count(*) || ' ' || count(DISTINCT at) FROM stamps"), "3 1")
      << "three calls, one message to PostgreSQL";
  statements->Credit(std::chrono::milliseconds(10), runs_);
  ASSERT_EQ(runs_.size(), 5u) << "every run is counted";
  EXPECT_EQ(runs_[0].series, &stats_.For("orders"));
  EXPECT_EQ(runs_[1].series, &stats_.For("statement-only"));
  EXPECT_EQ(runs_[0].took, std::chrono::milliseconds(2)) << "an equal share of the message's time";
}

TEST_F(EventDispatchPgTest, ARoundWithAHandlerWithoutStatementRunsOneCallAtATime) {
  auto sql = Sql("INSERT INTO orders VALUES (:id, :payload.amount)");
  CallOnlyHandler call_only;
  std::vector<Dispatch> round;
  round.push_back(Paid("EVAAAAAAAAAAAAAAA1", 1000, {sql.get()}));
  round.push_back(Paid("EVAAAAAAAAAAAAAAA2", 2000, {&call_only}));
  pqxx::work tx(*connection_);
  EXPECT_EQ(StatementsOf(round, tx, stats_), std::nullopt);
  EXPECT_EQ(RunAllInTransaction(round, tx, stats_, runs_), std::nullopt);
  tx.commit();
  EXPECT_EQ(Orders(), "EVAAAAAAAAAAAAAAA1:1000,EVAAAAAAAAAAAAAAA2:0");
  EXPECT_EQ(runs_.size(), 2u);
}

TEST_F(EventDispatchPgTest, AFailingCallIsRolledBackWithTheRoundAndTheTransactionGoesOn) {
  auto sql = Sql("INSERT INTO orders VALUES (:id, :payload.amount)");
  std::vector<Dispatch> round;
  round.push_back(Paid("EVAAAAAAAAAAAAAAA1", 1000, {sql.get()}));
  round.push_back(Paid("EVAAAAAAAAAAAAAAA2", 9000, {sql.get()}));  // breaks the CHECK
  pqxx::work tx(*connection_);
  tx.exec0("INSERT INTO orders VALUES ('before', 1)");
  const std::optional<std::string> failure = RunAllInTransaction(round, tx, stats_, runs_);
  ASSERT_TRUE(failure.has_value());
  EXPECT_NE(failure->find("event EVAAAAAAAAAAAAAAA2: handler orders: statement failed (23514)"), std::string::npos)
      << *failure;
  EXPECT_TRUE(runs_.empty()) << "no run of the round counts";
  tx.exec0("INSERT INTO orders VALUES ('after', 2)");
  tx.commit();
  EXPECT_EQ(Orders(), "after:2,before:1") << "the first event's row went with the round, nothing else";
}

TEST_F(EventDispatchPgTest, AStalePlanIsPreparedAnewForTheNextRound) {
  auto sql = Sql("INSERT INTO orders VALUES (:id, :payload.amount) RETURNING *");
  const auto run_round = [&](const std::string& id) {
    std::vector<Dispatch> round;
    round.push_back(Paid(id, 1000, {sql.get()}));
    pqxx::work tx(*connection_);
    std::optional<std::string> failure = RunAllInTransaction(round, tx, stats_, runs_);
    if (!failure) tx.commit();
    return failure;
  };
  ASSERT_EQ(run_round("EVAAAAAAAAAAAAAAA1"), std::nullopt);
  database_.Scalar("ALTER TABLE orders ADD COLUMN note text");
  const std::optional<std::string> stale = run_round("EVAAAAAAAAAAAAAAA2");
  ASSERT_TRUE(stale.has_value());
  EXPECT_NE(stale->find("0A000"), std::string::npos) << *stale;
  EXPECT_EQ(run_round("EVAAAAAAAAAAAAAAA3"), std::nullopt) << "the batch's statement is prepared anew";
  EXPECT_EQ(Orders(), "EVAAAAAAAAAAAAAAA1:1000,EVAAAAAAAAAAAAAAA3:1000");
}

TEST_F(EventDispatchPgTest, NotifyIsSentWithItsQuotedPayloadOnCommit) {
  NotifyHandler notify(HandlerSettings{"shop", {}, {}}, NotifyHandlerSpec{"shop's events"});
  auto listener = database_.Connect();
  struct Receiver : pqxx::notification_receiver {
    using pqxx::notification_receiver::notification_receiver;
    void operator()(const std::string& payload, int) override { payloads.push_back(payload); }
    std::vector<std::string> payloads;
  } receiver(*listener, "shop's events");
  std::vector<Dispatch> round;
  round.push_back(Paid("EVAAAAAAAAAAAAAAA1", 1000, {&notify}));
  round.push_back(Paid("EVAAAAAAAAAAAAAAA2", 1000, {&notify}));
  pqxx::work tx(*connection_);
  EXPECT_EQ(RunAllInTransaction(round, tx, stats_, runs_), std::nullopt);
  tx.commit();
  for (int i = 0; i < 20 && receiver.payloads.size() < 2; ++i) listener->await_notification(0, 100'000);
  ASSERT_EQ(receiver.payloads.size(), 2u);
  EXPECT_NE(receiver.payloads[0].find(R"("id":"EVAAAAAAAAAAAAAAA1")"), std::string::npos) << receiver.payloads[0];
  EXPECT_NE(receiver.payloads[1].find(R"("id":"EVAAAAAAAAAAAAAAA2")"), std::string::npos) << receiver.payloads[1];
}

// libpq cannot quote "€" for EUC_JP, so the round's statements cannot be
// written; the call, bound on its own, fails with the server's word for it
// and is the round's failure, instead of an exception that costs the worker
// its connection.
TEST_F(EventDispatchPgTest, AValueTheConnectionCannotQuoteFailsItsCall) {
  NotifyHandler notify(HandlerSettings{"shop", {}, {}}, NotifyHandlerSpec{"shop"});
  std::vector<Dispatch> round;
  round.push_back(Paid("EVAAAAAAAAAAAAAAA1", 1000, {&notify}));
  round.back().event.resource_id = "PP\xe2\x82\xac";
  connection_->set_client_encoding("EUC_JP");
  pqxx::work tx(*connection_);
  EXPECT_EQ(StatementsOf(round, tx, stats_), std::nullopt);
  const std::optional<std::string> failure = RunAllInTransaction(round, tx, stats_, runs_);
  ASSERT_TRUE(failure.has_value());
  EXPECT_NE(failure->find("event EVAAAAAAAAAAAAAAA1: handler shop: pg_notify failed"), std::string::npos) << *failure;
  EXPECT_EQ(tx.exec1("SELECT 'the transaction goes on'")[0].as<std::string>(), "the transaction goes on");
}

TEST_F(EventDispatchPgTest, AFailingCallOneAtATimeNamesItsEventAndHandler) {
  auto sql = Sql("INSERT INTO orders VALUES (:id, :payload.amount)");
  CallOnlyHandler call_only;
  std::vector<Dispatch> round;
  round.push_back(Paid("EVAAAAAAAAAAAAAAA1", 9000, {sql.get(), &call_only}));
  pqxx::work tx(*connection_);
  const std::optional<std::string> failure = RunAllInTransaction(round, tx, stats_, runs_);
  ASSERT_TRUE(failure.has_value());
  EXPECT_NE(failure->find("event EVAAAAAAAAAAAAAAA1: handler orders:"), std::string::npos) << *failure;
}

TEST_F(EventDispatchPgTest, ARoundWithoutInDatabaseHandlersSendsNothing) {
  std::vector<Dispatch> round;
  round.push_back(Paid("EVAAAAAAAAAAAAAAA1", 1000, {}));
  pqxx::work tx(*connection_);
  tx.exec("SELECT 'before the round'");
  EXPECT_EQ(RunAllInTransaction(round, tx, stats_, runs_), std::nullopt);
  EXPECT_TRUE(runs_.empty());
  EXPECT_EQ(database_.Scalar("SELECT query FROM pg_stat_activity WHERE pid = " +
                             std::to_string(connection_->backendpid())),
            "SELECT 'before the round'")
      << "not even a savepoint was sent";
}

}  // namespace
}  // namespace webhookd::testing
