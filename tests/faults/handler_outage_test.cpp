// Fault suite: an http handler's target down for minutes and an exec handler
// whose program hangs: retries, dead letters, other events flowing past them
// meanwhile, then one --retry-dead and everything processed.
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <iostream>
#include <set>
#include <sstream>
#include <thread>

#include "tests/support/delivery_report.hpp"
#include "tests/support/event_outcomes.hpp"
#include "tests/support/fault_scale.hpp"
#include "tests/support/fault_report.hpp"
#include "tests/support/harness.hpp"
#include "tests/support/test_database.hpp"
#include "tests/support/webhook_receiver.hpp"

namespace webhookd::testing {
namespace {

using std::chrono::seconds;
using Clock = std::chrono::steady_clock;

constexpr const char* kShopSecret = "shop-secret-for-fault-tests";
constexpr auto kDeliveryDeadline = seconds(120);
// Runs of the hung program: killed at its timeout, two slots, two attempts.
constexpr int kHangTimeoutMs = 3000;
constexpr int kHangSlots = 2;
constexpr int kHangAttempts = 2;

class HandlerOutage : public ::testing::Test {
 protected:
  void SetUp() override {
    CreateEffectsTable(database_);
    ASSERT_TRUE(receiver_.Up());
    receiver_.Down();  // the port is known and closed: the shop is down from the start
    // fulfil (payouts) hangs until the `fixed` file exists; ledger (chargebacks) always passes.
    WriteScript("fulfil", fmt::format("cat > /dev/null\nif [ ! -e {0} ]; then sleep 600; fi\n"
                                      "echo \"$PAYPRO_EVENT_ID\" >> {1}\n",
                                      dir_.File("fixed"), dir_.File("fulfilled.out")));
    WriteScript("ledger", fmt::format("cat > /dev/null\necho \"$PAYPRO_EVENT_ID\" >> {}\n", dir_.File("ledger.out")));
    DaemonOptions options{database_.url(), sandbox_.url()};
    // The shop's runs are spent (dead) well within the outage; so are the
    // hung program's, each killed at its timeout.
    options.handlers_yaml = fmt::format(
        "handlers:\n{}"
        "  - name: shop\n    on: [\"payment.*\"]\n"
        "    http: {{ url: \"{}\", secret: \"{}\", timeout_ms: 2000 }}\n"
        "    retry: {{ max_attempts: {}, initial_backoff_ms: 500, max_backoff_ms: {} }}\n"
        "  - name: fulfil\n    on: [\"payout.*\"]\n"
        "    exec: {{ argv: [\"{}\"], timeout_ms: {}, max_concurrency: {} }}\n"
        "    retry: {{ max_attempts: {}, initial_backoff_ms: 200, max_backoff_ms: 1000 }}\n"
        "  - name: ledger\n    on: [\"chargeback.*\"]\n"
        "    exec: {{ argv: [\"{}\"], timeout_ms: 10000, max_concurrency: 2 }}\n",
        kEffectsHandlerYaml, receiver_.url(), kShopSecret, ByScale(5, 8), ByScale(2000, 10000), dir_.File("fulfil"),
        kHangTimeoutMs, kHangSlots, kHangAttempts, dir_.File("ledger"));
    daemon_ = std::make_unique<Daemon>(dir_, options);
    ASSERT_TRUE(daemon_->Start()) << daemon_->Output();
  }

  void WriteScript(const std::string& name, const std::string& body) {
    WriteFile(dir_.File(name), "#!/bin/sh\n" + body);
    chmod(dir_.File(name).c_str(), 0755);
  }

  // Delivers `count` events of `type` and waits until all are acknowledged.
  void Deliver(int count, const std::string& type) {
    const int64_t before = ParseDeliveryReport(sandbox_.Get("/_sandbox/deliveries").body).acknowledged;
    TriggerDeliveries(sandbox_, daemon_->webhook_url(), count, type);
    const DeliveryReport report = WaitForDeliveries(sandbox_, kDeliveryDeadline);
    ASSERT_EQ(report.acknowledged, before + count) << report.json;
    ASSERT_EQ(report.answers, (std::map<std::string, int64_t>{{"200", report.attempts}})) << report.json;
  }

  int64_t Count(const std::string& sql) { return std::stoll(database_.Scalar(sql)); }

  int64_t EventsOf(const std::string& type_prefix, const std::string& state) {
    return Count(fmt::format("SELECT count(*) FROM paypro_events WHERE event_type LIKE '{}%' AND state = '{}'",
                             type_prefix, state));
  }

  // Delivers a batch of chargebacks, which have handlers of their own, and
  // waits until they are processed; how many payouts fulfil had not even
  // tried by then (they wait for its slots).
  int64_t ChargebacksProcessed(int batch) {
    const int64_t done_before = EventsOf("chargeback.", "processed");
    const auto started = Clock::now();
    Deliver(batch, "chargeback.created");
    int64_t untried = -1;
    EXPECT_TRUE(Eventually(
        [&] {
          if (EventsOf("chargeback.", "processed") < done_before + batch) return false;
          untried = Count("SELECT count(*) FROM paypro_handler_runs WHERE handler = 'fulfil'"
                          " AND attempts = 0 AND lease_owner IS NULL");
          return true;
        },
        seconds(90)))
        << StateCounts(database_) << "\n" << Tail(daemon_->Output());
    std::cout << fmt::format("[ figures  ] {} chargebacks processed in {:.1f} s while {} payouts waited for fulfil\n",
                             batch, SecondsSince(started), untried);
    return untried;
  }

  // Every event of the type was handled (`calls` by event id), and nothing
  // else; returns the calls beyond the first.
  int ExpectEachAtLeastOnce(const std::map<std::string, int>& calls, const std::string& type_prefix) {
    auto connection = database_.Connect();
    pqxx::nontransaction tx(*connection);
    std::set<std::string> events;
    for (const auto& row : tx.exec_params("SELECT event_id FROM paypro_events WHERE event_type LIKE $1 || '%'",
                                          type_prefix)) {
      events.insert(row[0].as<std::string>());
    }
    std::set<std::string> handled;
    int duplicates = 0;
    for (const auto& [id, count] : calls) {
      handled.insert(id);
      duplicates += count - 1;
    }
    EXPECT_EQ(handled, events) << type_prefix;
    return duplicates;
  }

  // A file of one event id per line, as counts by id.
  static std::map<std::string, int> LinesOf(const std::string& path) {
    std::map<std::string, int> counts;
    std::istringstream lines(ReadFile(path));
    for (std::string line; std::getline(lines, line);) ++counts[line];
    return counts;
  }

  TempDir dir_;
  TestDatabase database_;
  Sandbox sandbox_{dir_};
  WebhookReceiver receiver_{kShopSecret};
  std::unique_ptr<Daemon> daemon_;
};

TEST_F(HandlerOutage, DeadLettersDuringTheOutageAllEndProcessedAfterRetryDead) {
  const int payment_batch = ByScale(30, 50);
  const int payouts = ByScale(14, 40);
  const int chargeback_batch = ByScale(20, 50);
  const seconds outage(ByScale(20, 180));
  const auto outage_started = Clock::now();

  // The hung program's events first, so that its backlog is due before
  // anything else: a worker that waited for its slots would starve the rest.
  Deliver(payouts, "payout.created");
  ASSERT_TRUE(Eventually([&] { return Count("SELECT count(*) FROM paypro_handler_runs WHERE handler = 'fulfil'") ==
                                      payouts; },
                         seconds(60)))
      << StateCounts(database_) << "\n" << Tail(daemon_->Output());
  // Calls for the down shop and for the healthy handlers keep coming (in
  // the long run, all through the first two thirds of the outage).
  int batches = 0;
  do {
    const int64_t untried = ChargebacksProcessed(chargeback_batch);
    Deliver(payment_batch, "payment.paid");
    // Nothing but fulfil's own events waits for the hung program.
    if (batches == 0) {
      EXPECT_GT(untried, 0) << "chargebacks waited for the hung program's backlog";
    }
    ++batches;
    if (LongFaultRun()) std::this_thread::sleep_for(seconds(15));
  } while (LongFaultRun() && Clock::now() < outage_started + outage * 2 / 3);
  const int payments = payment_batch * batches;
  const int chargebacks = chargeback_batch * batches;

  // Every run of the down shop and of the hung program ends dead, within the outage.
  ASSERT_TRUE(Eventually([&] { return EventsOf("payment.", "dead") == payments && EventsOf("payout.", "dead") == payouts; },
                         outage + seconds(120)))
      << StateCounts(database_) << "\n" << Tail(daemon_->Output());
  const double dead_after = SecondsSince(outage_started);
  std::this_thread::sleep_until(outage_started + outage);
  EXPECT_EQ(Count("SELECT count(*) FROM paypro_handler_runs WHERE state = 'dead' AND handler = 'shop'"), payments);
  EXPECT_EQ(Count(fmt::format("SELECT count(*) FROM paypro_handler_runs WHERE handler = 'shop' AND attempts = {}",
                              ByScale(5, 8))),
            payments);
  EXPECT_EQ(Count(fmt::format("SELECT count(*) FROM paypro_handler_runs WHERE handler = 'fulfil' AND attempts = {}"
                              " AND state = 'dead' AND last_error LIKE '%timed out%'",
                              kHangAttempts)),
            payouts);
  EXPECT_EQ(Count("SELECT count(*) FROM paypro_handler_runs WHERE handler = 'shop' AND last_error LIKE '%failed%'"),
            payments);
  EXPECT_TRUE(receiver_.accepted().empty());
  EXPECT_EQ(ReadFile(dir_.File("fulfilled.out")), "");

  // The shop is back, the program fixed; an operator retries the dead letters.
  ASSERT_TRUE(receiver_.Up());
  WriteFile(dir_.File("fixed"), "");
  const auto retried = Clock::now();
  const auto [code, output] = RunDaemonCommand(dir_, {"--config", daemon_->config_path(), "--retry-dead"});
  ASSERT_EQ(code, 0) << output;
  EXPECT_NE(output.find(fmt::format("{} dead events", payments + payouts)), std::string::npos) << output;
  const int total = payments + payouts + chargebacks;
  ASSERT_TRUE(Eventually([&] { return StateCounts(database_) == fmt::format("processed={}", total); }, seconds(180)))
      << StateCounts(database_) << "\n" << Tail(daemon_->Output());
  const double recovered_in = SecondsSince(retried);

  EXPECT_EQ(Count("SELECT count(*) FROM paypro_handler_runs WHERE state <> 'succeeded'"), 0);
  // In-transaction effects: exactly once, retries and dead letters notwithstanding.
  const EffectCounts effects = CountEffects(database_);
  EXPECT_EQ(effects.rows, total);
  EXPECT_EQ(effects.events, total);
  EXPECT_TRUE(effects.duplicated.empty());
  // Outside handlers: at least once; duplicates are reported, not hidden.
  EXPECT_EQ(receiver_.bad_signatures(), 0);
  const int shop_duplicates = ExpectEachAtLeastOnce(receiver_.accepted(), "payment.");
  const int fulfil_duplicates = ExpectEachAtLeastOnce(LinesOf(dir_.File("fulfilled.out")), "payout.");
  const int ledger_duplicates = ExpectEachAtLeastOnce(LinesOf(dir_.File("ledger.out")), "chargeback.");
  std::cout << fmt::format("[ figures  ] {} s outage: {} payments and {} payouts dead after {:.1f} s; "
                           "{} chargebacks in {} batches flowed meanwhile; after --retry-dead all processed in "
                           "{:.1f} s; duplicate calls: shop {}, fulfil {}, ledger {}\n",
                           outage.count(), payments, payouts, dead_after, chargebacks, batches, recovered_in,
                           shop_duplicates, fulfil_duplicates, ledger_duplicates);
}

}  // namespace
}  // namespace webhookd::testing
