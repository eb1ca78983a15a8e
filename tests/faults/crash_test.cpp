// Crash suite (issue 6): SIGKILL the daemon at random moments while the sandbox
// delivers, restart it as systemd would, then prove nothing was lost or done twice.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <pqxx/pqxx>
#include <random>
#include <thread>
#include <unordered_map>

#include "tests/support/delivery_report.hpp"
#include "tests/support/event_outcomes.hpp"
#include "tests/support/fault_scale.hpp"
#include "tests/support/harness.hpp"
#include "tests/support/metric_scrape.hpp"
#include "tests/support/test_database.hpp"
#include "tests/support/webhook_receiver.hpp"

namespace webhookd::testing {
namespace {

using Clock = std::chrono::steady_clock;

constexpr const char* kShopSecret = "shop-secret-for-crash-tests";
// The sandbox retries a call the daemon did not answer (killed) or refused
// (503 while starting): enough attempts that every delivery outlives the
// restarts, which come at most a few seconds apart.
constexpr int kDeliveryAttempts = 100;
constexpr const char* kVerifierYaml =
    "verifier: { workers: 4, batch_size: 32, max_backoff_s: 2 }\n";
constexpr const char* kProcessorYaml =
    "processor: { workers: 2, batch_size: 100, max_attempts: 10, max_backoff_s: 2 }\n";

double Seconds(Clock::duration elapsed) { return std::chrono::duration<double>(elapsed).count(); }

// A seed from WEBHOOKD_CRASH_SEED replays a run's kill timing; otherwise a fresh one.
uint32_t CrashSeed() {
  if (const char* seed = std::getenv("WEBHOOKD_CRASH_SEED"); seed != nullptr && *seed != '\0') {
    return static_cast<uint32_t>(std::stoul(seed));
  }
  return std::random_device{}();
}

// Where the pipeline stood at a kill, from the database.
struct PipelineSnapshot {
  int64_t received = 0;
  int64_t verified = 0;
  int64_t runs_open = 0;  // handler runs not yet succeeded
  int64_t processed = 0;
};

PipelineSnapshot Snapshot(const TestDatabase& database) {
  auto connection = database.Connect();
  pqxx::nontransaction tx(*connection);
  const pqxx::row events = tx.exec1(
      "SELECT count(*) FILTER (WHERE state = 'received'),"
      " count(*) FILTER (WHERE state IN ('verified', 'failed')),"
      " count(*) FILTER (WHERE state = 'processed') FROM paypro_events");
  const pqxx::row runs =
      tx.exec1("SELECT count(*) FROM paypro_handler_runs WHERE state <> 'succeeded'");
  return {events[0].as<int64_t>(), events[1].as<int64_t>(), runs[0].as<int64_t>(), events[2].as<int64_t>()};
}

// The stages that still had work when a kill landed ("" when none had).
std::string BusyStages(const DeliveryReport& deliveries, const PipelineSnapshot& stored) {
  std::string stages;
  if (deliveries.pending > 0) stages += " intake";
  if (stored.received > 0) stages += " verification";
  if (stored.verified > 0) stages += " processing";
  if (stored.runs_open > 0) stages += " handler-runs";
  return stages;
}

// What the kills met.
struct KillRecord {
  int while_busy = 0;  // kills that found some stage with work
  Clock::time_point last{};
};

class Crash : public ::testing::Test {
 protected:
  void SetUp() override {
    CreateEffectsTable(database_);
    ASSERT_TRUE(receiver_.Up());
  }

  DaemonOptions Options() const {
    DaemonOptions options{database_.url(), sandbox_.url()};
    options.verifier_yaml = kVerifierYaml;
    options.processor_yaml = kProcessorYaml;
    // sql (exactly once) and http (at least once) on every event, and a log line.
    options.handlers_yaml = std::string("handlers:\n") + kEffectsHandlerYaml +
                            fmt::format(
                                "  - name: notify-shop\n    on: [\"*\"]\n"
                                "    http: {{ url: \"{}\", secret: \"{}\", timeout_ms: 5000 }}\n"
                                "  - name: audit\n    on: [\"*\"]\n    log: {{}}\n",
                                receiver_.url(), kShopSecret);
    return options;
  }

  // Kills and restarts `daemon` `kills` times, 0.3 to `max_pause_ms` apart
  // (uniformly), printing where each kill found the pipeline.
  KillRecord KillRepeatedly(Daemon& daemon, int kills, int max_pause_ms, std::mt19937& random) {
    std::uniform_int_distribution<int> pause_ms(300, max_pause_ms);
    KillRecord record;
    for (int kill = 1; kill <= kills; ++kill) {
      std::this_thread::sleep_for(std::chrono::milliseconds(pause_ms(random)));
      const DeliveryReport deliveries =
          ParseDeliveryReport(sandbox_.Get("/_sandbox/deliveries").body);
      const PipelineSnapshot stored = Snapshot(database_);
      daemon.Kill();
      record.last = Clock::now();
      const std::string busy = BusyStages(deliveries, stored);
      if (!busy.empty()) ++record.while_busy;
      fmt::print(
          "kill {:2} at {:6.1f} s: sandbox pending {}, acknowledged {}; received {}, "
          "verified {}, runs open {}, processed {}; busy:{}\n",
          kill, Seconds(Clock::now() - started_), deliveries.pending, deliveries.acknowledged,
          stored.received, stored.verified, stored.runs_open, stored.processed,
          busy.empty() ? " none" : busy);
      if (!daemon.Start()) {
        ADD_FAILURE() << "restart " << kill << " failed: " << daemon.Output();
        break;
      }
    }
    return record;
  }

  // Acknowledged events that are not stored as processed, with their state.
  std::vector<std::string> AcknowledgedButNotProcessed() {
    std::unordered_map<std::string, std::string> states;
    auto connection = database_.Connect();
    pqxx::nontransaction tx(*connection);
    for (const auto& row : tx.exec("SELECT event_id, state FROM paypro_events")) {
      states.emplace(row[0].as<std::string>(), row[1].as<std::string>());
    }
    std::vector<std::string> missing;
    for (const std::string& id :
         JsonStrings(sandbox_.Get("/_sandbox/deliveries/acknowledged").body, "ids")) {
      const auto found = states.find(id);
      if (found == states.end()) {
        missing.push_back(id + " (not stored)");
      } else if (found->second != "processed") {
        missing.push_back(id + " (" + found->second + ")");
      }
    }
    return missing;
  }

  int64_t Count(const std::string& sql) const { return std::stoll(database_.Scalar(sql)); }

  // Nothing pending at the sandbox, no event unfinished. Rests half a
  // second when not: Eventually polls every 50 ms, which would load the
  // database of a long run for nothing.
  bool Drained() {
    const bool drained =
        ParseDeliveryReport(sandbox_.Get("/_sandbox/deliveries").body).pending == 0 &&
        Count(
            "SELECT count(*) FROM paypro_events"
            " WHERE state IN ('received', 'verified', 'failed')") == 0;
    if (!drained) std::this_thread::sleep_for(std::chrono::milliseconds(500));
    return drained;
  }

  TempDir dir_;
  TestDatabase database_;
  Sandbox sandbox_{dir_};
  WebhookReceiver receiver_{kShopSecret};
  Clock::time_point started_ = Clock::now();
};

TEST_F(Crash, EveryAcknowledgedEventIsProcessedOnceWhenKilledRepeatedly) {
  const int events = ByScale(20000, 100000);
  const int kills = ByScale(10, 30);
  const int max_pause_ms = ByScale(3000, 6000);  // the long run's kills spread over more of it
  const auto drain_deadline = std::chrono::seconds(ByScale(300, 1200));
  const uint32_t seed = CrashSeed();
  fmt::print(
      "crash: {} events, {} kills, seed {} (WEBHOOKD_CRASH_SEED={} replays the kill timing)\n",
      events, kills, seed, seed);
  RecordProperty("seed", std::to_string(seed));
  std::mt19937 random(seed);

  Daemon daemon(dir_, Options());
  ASSERT_TRUE(daemon.Start()) << daemon.Output();
  ASSERT_EQ(sandbox_
                .Post("/_sandbox/faults",
                      fmt::format(R"({{"max_delivery_attempts":{},"duplicate_rate":0.02}})",
                                  kDeliveryAttempts))
                .status,
            200u);
  started_ = Clock::now();
  TriggerDeliveries(sandbox_, daemon.webhook_url(), events, "mixed");

  const KillRecord killed = KillRepeatedly(daemon, kills, max_pause_ms, random);
  ASSERT_FALSE(HasFailure());
  // A kill with nothing left to do proves nothing: the run must be long
  // enough for every kill to land in the middle of the work.
  EXPECT_EQ(killed.while_busy, kills) << "kills landed on an idle daemon: deliver more events";

  const bool drained = Eventually([&] { return Drained(); }, drain_deadline);
  const auto drained_at = Clock::now();
  const DeliveryReport deliveries = ParseDeliveryReport(sandbox_.Get("/_sandbox/deliveries").body);
  ASSERT_TRUE(drained) << "not drained after " << drain_deadline.count()
                       << " s: " << deliveries.json << "; " << StateCounts(database_);
  const EffectCounts effects = CountEffects(database_);
  const std::map<std::string, int> shop_calls = receiver_.accepted();
  int64_t shop_repeats = 0;
  for (const auto& [id, calls] : shop_calls) shop_repeats += calls - 1;
  fmt::print(
      "crash: {} events, {} kills ({} while busy), acknowledged {}, sandbox duplicates {}, "
      "attempts {}, effects {}, shop calls {} ({} repeated), wall {:.1f} s, "
      "drained {:.1f} s after the last kill\n  deliveries: {}\n",
      events, kills, killed.while_busy, deliveries.acknowledged, deliveries.duplicates_sent,
      deliveries.attempts, effects.rows, shop_calls.size(), shop_repeats,
      Seconds(drained_at - started_), Seconds(drained_at - killed.last), deliveries.json);

  // PayPro's side: every call was eventually answered 200.
  EXPECT_EQ(deliveries.acknowledged, events);
  EXPECT_EQ(deliveries.failed, 0);
  EXPECT_EQ(deliveries.dropped, 0);

  // Every 200 stands for a stored event, and every stored one got processed.
  const std::vector<std::string> missing = AcknowledgedButNotProcessed();
  EXPECT_TRUE(missing.empty()) << missing.size()
                               << " acknowledged events not processed, first: " << missing.front();
  EXPECT_EQ(Count("SELECT count(*) FROM paypro_events"), events) << StateCounts(database_);
  const std::set<std::string> processed = EventIdsIn(database_, "processed");
  EXPECT_EQ(processed.size(), static_cast<size_t>(events)) << StateCounts(database_);

  // sql: exactly once per processed event.
  EXPECT_EQ(effects.rows, events);
  EXPECT_EQ(effects.events, events);
  EXPECT_TRUE(effects.duplicated.empty())
      << effects.duplicated.size() << " effects happened twice, first "
      << effects.duplicated.front();
  // http: at least once per processed event, every call correctly signed.
  EXPECT_EQ(shop_calls.size(), processed.size());
  for (const std::string& id : processed) {
    if (!shop_calls.contains(id)) {
      ADD_FAILURE() << "the shop never heard of processed event " << id;
      break;
    }
  }
  EXPECT_EQ(receiver_.bad_signatures(), 0);

  // Nothing left claimed: no transaction left open (a verifier's claim is
  // one), every handler run finished and unleased.
  EXPECT_EQ(database_.TransactionsLeftOpen(), 0);
  EXPECT_EQ(Count("SELECT count(*) FROM paypro_handler_runs"), events);
  EXPECT_EQ(Count("SELECT count(*) FROM paypro_handler_runs"
                  " WHERE state <> 'succeeded' OR lease_owner IS NOT NULL"),
            0);

  // The restarted daemon sees the same: no backlog, no dead letters.
  EXPECT_TRUE(Eventually(
      [&] {
        const std::string scrape = daemon.AdminGet("/metrics").body;
        return MetricSum(scrape, "paypro_webhookd_backlog_events") == 0 &&
               MetricSum(scrape, "paypro_webhookd_events", "state=\"dead\"") == 0;
      },
      std::chrono::seconds(30)))
      << daemon.AdminGet("/metrics").body;
}

}  // namespace
}  // namespace webhookd::testing
