// PostgreSQL: a processing commit whose connection is lost mid-COMMIT is
// followed up once if it committed and not at all if it rolled back.
#include "daemon/processing_commit.hpp"

#include <gtest/gtest.h>

#include <pqxx/pqxx>

#include "handlers/log_handler.hpp"
#include "tests/support/child_process.hpp"
#include "tests/support/commit_cutting_proxy.hpp"
#include "tests/support/test_data.hpp"
#include "tests/support/test_database.hpp"

namespace webhookd::testing {
namespace {

class ProcessingCommitPgTest : public ::testing::Test {
 protected:
  void SetUp() override { database_.Scalar("CREATE TABLE effects (event_id text NOT NULL)"); }

  // One event's processing: its effect row and what follows the commit.
  AfterCommit ProcessInto(pqxx::transaction_base& tx) {
    tx.exec0("INSERT INTO effects VALUES ('EVDOUBT1')");
    AfterCommit after;
    const std::string json = ReadSampleEvent("payment.paid.json");
    auto event = DecodeEvent(json);
    auto fields = EventFields::Parse(json);
    EXPECT_TRUE(event.ok() && fields.ok());
    after.processed_ids.push_back(event->id);
    after.dispatched.push_back(Dispatch{std::move(*event), std::move(*fields), {}, {}, {&audit_}});
    after.runs.push_back({&stats_.handlers.For("effects"), std::chrono::milliseconds(1)});
    return after;
  }

  // Processes through the proxy with the next COMMIT cut as `cut`; the commit must end in doubt.
  void ProcessInDoubt(CommitCuttingProxy::Cut cut) {
    CommitCuttingProxy proxy(database_.url());
    pqxx::connection connection(proxy.url());
    pqxx::work tx(connection);
    AfterCommit after = ProcessInto(tx);
    proxy.CutNext(cut);
    EXPECT_THROW(committer_.Commit(tx, std::move(after)), pqxx::in_doubt_error);
    EXPECT_TRUE(committer_.in_doubt());
  }

  // Settles on a new connection until the outcome is known.
  void Settle() {
    auto connection = database_.Connect();
    EXPECT_TRUE(Eventually([&] {
      committer_.Settle(*connection);
      return !committer_.in_doubt();
    }, std::chrono::seconds(10)));
  }

  uint64_t Done(const std::string& handler) {
    return stats_.handlers.For(handler).runs[static_cast<size_t>(RunResult::kDone)];
  }

  TestDatabase database_;
  PipelineStats stats_;
  ProcessingCommitter committer_{stats_};
  LogHandler audit_{HandlerSettings{"audit", {}, {}}};
};

TEST_F(ProcessingCommitPgTest, FollowsACommitAtOnce) {
  auto connection = database_.Connect();
  pqxx::work tx(*connection);
  committer_.Commit(tx, ProcessInto(tx));
  EXPECT_FALSE(committer_.in_doubt());
  EXPECT_EQ(stats_.processed, 1u);
  EXPECT_EQ(Done("audit"), 1u);
  EXPECT_EQ(Done("effects"), 1u);
}

TEST_F(ProcessingCommitPgTest, CommittedWithItsAnswerLostIsFollowedOnceSettled) {
  ProcessInDoubt(CommitCuttingProxy::Cut::kAnswer);
  EXPECT_EQ(database_.Scalar("SELECT count(*) FROM effects"), "1") << "the commit reached PostgreSQL";
  EXPECT_EQ(stats_.processed, 0u) << "nothing follows before the outcome is known";
  EXPECT_EQ(Done("audit"), 0u);

  Settle();
  EXPECT_EQ(stats_.processed, 1u);
  EXPECT_EQ(Done("audit"), 1u) << "the after-commit handler ran once the commit was known";
  EXPECT_EQ(Done("effects"), 1u);
  Settle();
  EXPECT_EQ(stats_.processed, 1u) << "settled once";
  EXPECT_EQ(Done("audit"), 1u);
}

TEST_F(ProcessingCommitPgTest, RolledBackIsDroppedSettled) {
  ProcessInDoubt(CommitCuttingProxy::Cut::kCommit);
  Settle();
  EXPECT_EQ(database_.Scalar("SELECT count(*) FROM effects"), "0") << "COMMIT never reached PostgreSQL";
  EXPECT_EQ(stats_.processed, 0u) << "the events are due again: their next processing brings its own aftermath";
  EXPECT_EQ(Done("audit"), 0u);
  EXPECT_EQ(Done("effects"), 0u);
}

TEST_F(ProcessingCommitPgTest, NothingToFollowNeedsNoSettling) {
  CommitCuttingProxy proxy(database_.url());
  pqxx::connection connection(proxy.url());
  pqxx::work tx(connection);
  tx.exec0("INSERT INTO effects VALUES ('EVDOUBT1')");
  proxy.CutNext(CommitCuttingProxy::Cut::kAnswer);
  EXPECT_THROW(committer_.Commit(tx, AfterCommit{}), pqxx::in_doubt_error);
  EXPECT_FALSE(committer_.in_doubt());
}

}  // namespace
}  // namespace webhookd::testing
