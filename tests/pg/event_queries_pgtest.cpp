// PostgreSQL: the operator views --show-event and --list-events print.
#include "storage/event_queries.hpp"

#include <gtest/gtest.h>
#include <simdjson.h>

#include <fmt/format.h>

#include "storage/migrations.hpp"
#include "tests/support/test_database.hpp"

namespace webhookd::testing {
namespace {

class EventQueriesPgTest : public ::testing::Test {
 protected:
  void SetUp() override {
    connection_ = database_.Connect();
    auto version = ApplyMigrations(*connection_);
    ASSERT_TRUE(version.ok()) << version.error().detail;
  }

  void Insert(const std::string& event_id, const std::string& extra = "") {
    database_.Scalar(fmt::format("INSERT INTO paypro_events (event_id, event_type, raw_body) VALUES ('{0}',"
                                 " 'payment.paid', '{{\"id\":\"{0}\",\"event_type\":\"payment.paid\"}}')",
                                 event_id));
    if (!extra.empty()) {
      database_.Scalar(fmt::format("UPDATE paypro_events SET {} WHERE event_id = '{}'", extra, event_id));
    }
  }

  // `count` events named prefix1..prefixN, oldest first, with bodies of `body_size` bytes.
  void InsertMany(const std::string& prefix, int count, int body_size = 20) {
    database_.Scalar(fmt::format("INSERT INTO paypro_events (event_id, event_type, raw_body) SELECT '{}' || i,"
                                 " 'payment.paid', repeat('x', {}) FROM generate_series(1, {}) i",
                                 prefix, body_size, count));
  }

  // Parses `json` into the fixture's parser; the element lives until the next Parse.
  simdjson::dom::object Parse(const std::string& json) {
    simdjson::dom::object object;
    EXPECT_EQ(parser_.parse(json).get_object().get(object), simdjson::SUCCESS) << json;
    return object;
  }

  static std::string String(simdjson::dom::object object, std::string_view key) {
    std::string_view value;
    EXPECT_EQ(object[key].get_string().get(value), simdjson::SUCCESS) << key;
    return std::string(value);
  }

  static bool IsNull(simdjson::dom::object object, std::string_view key) {
    simdjson::dom::element value;
    EXPECT_EQ(object[key].get(value), simdjson::SUCCESS) << key << " is missing";
    return value.is_null();
  }

  static std::vector<std::string> IdsOf(const std::vector<std::string>& lines) {
    std::vector<std::string> ids;
    simdjson::dom::parser parser;
    for (const std::string& line : lines) {
      simdjson::dom::object object;
      EXPECT_EQ(parser.parse(line).get_object().get(object), simdjson::SUCCESS) << line;
      std::string_view id;
      EXPECT_EQ(object["id"].get_string().get(id), simdjson::SUCCESS) << line;
      ids.emplace_back(id);
    }
    return ids;
  }

  TestDatabase database_;
  std::unique_ptr<pqxx::connection> connection_;
  simdjson::dom::parser parser_;
};

using Ids_ = std::vector<std::string>;

TEST_F(EventQueriesPgTest, ShowEventGivesEveryField) {
  Insert("EVSHOW1",
         "state = 'verified', event_type = 'payment.canceled', attempts = 2, resource_type = 'payment',"
         " resource_id = 'PP123456', paypro_created_at = '2023-06-30T12:44:36Z', verified_at = now(),"
         " verified_body = '{\"id\":\"EVSHOW1\",\"event_type\":\"payment.canceled\",\"note\":\"a \\\"q\\\"\"}'");
  const std::optional<std::string> json = ShowEventJson(*connection_, "EVSHOW1");
  ASSERT_TRUE(json.has_value());
  const simdjson::dom::object object = Parse(*json);
  EXPECT_EQ(String(object, "id"), "EVSHOW1");
  EXPECT_EQ(String(object, "event_type"), "payment.canceled");
  EXPECT_EQ(String(object, "state"), "verified");
  int64_t attempts = -1;
  EXPECT_EQ(object["attempts"].get_int64().get(attempts), simdjson::SUCCESS);
  EXPECT_EQ(attempts, 2);
  EXPECT_EQ(String(object, "source"), "webhook");
  EXPECT_EQ(String(object, "resource_type"), "payment");
  EXPECT_EQ(String(object, "resource_id"), "PP123456");
  EXPECT_EQ(database_.Scalar("SELECT '" + String(object, "created_at") + "'::timestamptz = '2023-06-30T12:44:36Z'"),
            "t");
  EXPECT_FALSE(String(object, "received_at").empty());
  EXPECT_FALSE(String(object, "verified_at").empty());
  EXPECT_FALSE(String(object, "next_attempt_at").empty());
  EXPECT_TRUE(IsNull(object, "processed_at"));
  EXPECT_TRUE(IsNull(object, "last_error"));

  simdjson::dom::object verified;
  ASSERT_EQ(object["verified"].get_object().get(verified), simdjson::SUCCESS) << *json;
  EXPECT_EQ(String(verified, "event_type"), "payment.canceled");
  EXPECT_EQ(String(verified, "note"), "a \"q\"");
  simdjson::dom::object posted;
  ASSERT_EQ(object["posted"].get_object().get(posted), simdjson::SUCCESS) << *json;
  EXPECT_EQ(String(posted, "event_type"), "payment.paid");
}

TEST_F(EventQueriesPgTest, ShowEventOfReceivedEventHasNullCopy) {
  Insert("EVRECV1", "last_error = 'PayPro answered 503'");
  const std::optional<std::string> json = ShowEventJson(*connection_, "EVRECV1");
  ASSERT_TRUE(json.has_value());
  const simdjson::dom::object object = Parse(*json);
  EXPECT_EQ(String(object, "state"), "received");
  EXPECT_EQ(String(object, "last_error"), "PayPro answered 503");
  EXPECT_TRUE(IsNull(object, "verified"));
  EXPECT_TRUE(IsNull(object, "resource_type"));
  EXPECT_TRUE(IsNull(object, "created_at"));
  EXPECT_TRUE(IsNull(object, "verified_at"));
}

TEST_F(EventQueriesPgTest, ShowUnknownEventIsNullopt) {
  Insert("EVKNOWN1");
  EXPECT_FALSE(ShowEventJson(*connection_, "EVUNKNOWN1").has_value());
  EXPECT_FALSE(ShowEventJson(*connection_, "evknown1").has_value());
  EXPECT_FALSE(ShowEventJson(*connection_, "EVKNOWN1' OR '1'='1").has_value());
}

TEST_F(EventQueriesPgTest, ListsNewestFirst) {
  for (const char* id : {"EVLIST1", "EVLIST2", "EVLIST3"}) Insert(id);
  const std::vector<std::string> lines = ListEventsJson(*connection_, std::nullopt, 100);
  EXPECT_EQ(IdsOf(lines), (Ids_{"EVLIST3", "EVLIST2", "EVLIST1"}));
  ASSERT_FALSE(lines.empty());
  const simdjson::dom::object first = Parse(lines[0]);
  EXPECT_EQ(String(first, "state"), "received");
  simdjson::dom::element absent;
  EXPECT_NE(first["verified"].get(absent), simdjson::SUCCESS) << "list lines are summaries, without bodies";
  EXPECT_NE(first["posted"].get(absent), simdjson::SUCCESS);
}

TEST_F(EventQueriesPgTest, ListFiltersByState) {
  Insert("EVSTATE1");
  Insert("EVSTATE2", "state = 'failed'");
  Insert("EVSTATE3");
  Insert("EVSTATE4", "state = 'failed'");
  EXPECT_EQ(IdsOf(ListEventsJson(*connection_, std::string("failed"), 100)), (Ids_{"EVSTATE4", "EVSTATE2"}));
  EXPECT_EQ(IdsOf(ListEventsJson(*connection_, std::string("received"), 100)), (Ids_{"EVSTATE3", "EVSTATE1"}));
  EXPECT_TRUE(ListEventsJson(*connection_, std::string("dead"), 100).empty());
}

TEST_F(EventQueriesPgTest, ListRespectsLimit) {
  for (int i = 1; i <= 5; ++i) Insert(fmt::format("EVLIMIT{}", i));
  EXPECT_EQ(IdsOf(ListEventsJson(*connection_, std::nullopt, 2)), (Ids_{"EVLIMIT5", "EVLIMIT4"}));
  EXPECT_EQ(IdsOf(ListEventsJson(*connection_, std::nullopt, 1)), (Ids_{"EVLIMIT5"}));
  EXPECT_EQ(ListEventsJson(*connection_, std::nullopt, 10).size(), 5u);
}

// The list searches a window of seq below the newest value and widens it:
// these need more than the first window.
TEST_F(EventQueriesPgTest, ListFindsAnOldEventOfAStateBehindManyNewerOnes) {
  Insert("EVOLD1", "state = 'dead'");
  InsertMany("EVNEW", 300);
  EXPECT_EQ(IdsOf(ListEventsJson(*connection_, std::string("dead"), 5)), (Ids_{"EVOLD1"}));
  EXPECT_EQ(ListEventsJson(*connection_, std::string("received"), 1000).size(), 300u);
}

TEST_F(EventQueriesPgTest, ListSkipsSeqValuesThatDuplicatesDrew) {
  for (const char* id : {"EVGAP1", "EVGAP2", "EVGAP3"}) Insert(id);
  database_.Scalar("INSERT INTO paypro_events (event_id, event_type) SELECT 'EVGAP3', 'payment.paid'"
                   " FROM generate_series(1, 500) ON CONFLICT DO NOTHING");
  EXPECT_EQ(IdsOf(ListEventsJson(*connection_, std::nullopt, 3)), (Ids_{"EVGAP3", "EVGAP2", "EVGAP1"}));
}

TEST_F(EventQueriesPgTest, ListThroughPageRangesFindsSummarizedAndNewerRows) {
  InsertMany("EVRANGE", 3000, 1000);
  database_.Scalar("VACUUM ANALYZE paypro_events");  // summarizes the full page ranges
  Insert("EVLATE1");                                  // on the tail, not summarized
  database_.Scalar("UPDATE paypro_events SET state = 'failed' WHERE event_id = 'EVRANGE1'");
  // The planner picks the page ranges for a narrow window by itself; with
  // sequential scans off, the lists come from the indexes alone.
  EXPECT_NE(database_.Scalar("EXPLAIN (FORMAT JSON) SELECT event_id FROM paypro_events WHERE seq > 2990"
                             " ORDER BY seq DESC LIMIT 5")
                .find("paypro_events_seq_ranges"),
            std::string::npos);
  pqxx::nontransaction(*connection_).exec0("SET enable_seqscan = off");
  EXPECT_EQ(IdsOf(ListEventsJson(*connection_, std::string("failed"), 5)), (Ids_{"EVRANGE1"}));
  EXPECT_EQ(IdsOf(ListEventsJson(*connection_, std::nullopt, 2)), (Ids_{"EVLATE1", "EVRANGE3000"}));
}

TEST_F(EventQueriesPgTest, ListOfEmptyTableIsEmpty) {
  EXPECT_TRUE(ListEventsJson(*connection_, std::nullopt, 100).empty());
}

TEST_F(EventQueriesPgTest, CountsByState) {
  Insert("EVCOUNT1");
  Insert("EVCOUNT2");
  Insert("EVCOUNT3", "state = 'dead'");
  Insert("EVCOUNT4", "state = 'processed'");
  Insert("EVCOUNT5", "state = 'processed'");
  Insert("EVCOUNT6", "state = 'processed'");
  const std::string json = CountByStateJson(*connection_);
  const simdjson::dom::object counts = Parse(json);
  EXPECT_EQ(counts.size(), 3u) << json;
  int64_t n = 0;
  EXPECT_EQ(counts["received"].get_int64().get(n), simdjson::SUCCESS);
  EXPECT_EQ(n, 2);
  EXPECT_EQ(counts["dead"].get_int64().get(n), simdjson::SUCCESS);
  EXPECT_EQ(n, 1);
  EXPECT_EQ(counts["processed"].get_int64().get(n), simdjson::SUCCESS);
  EXPECT_EQ(n, 3);
}

TEST_F(EventQueriesPgTest, CountOfEmptyTableIsEmptyObject) { EXPECT_EQ(CountByStateJson(*connection_), "{}"); }

}  // namespace
}  // namespace webhookd::testing
