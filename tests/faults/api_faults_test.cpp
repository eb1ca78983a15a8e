// Fault suite: PayPro's API answers 500s, times out, rate-limits with
// Retry-After and goes down for minutes; intake answers 200 throughout and
// every real event ends verified and processed exactly once.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <iostream>
#include <random>
#include <thread>

#include "tests/support/delivery_report.hpp"
#include "tests/support/event_outcomes.hpp"
#include "tests/support/fault_scale.hpp"
#include "tests/support/fault_report.hpp"
#include "tests/support/harness.hpp"
#include "tests/support/metric_scrape.hpp"
#include "tests/support/test_database.hpp"

namespace webhookd::testing {
namespace {

using std::chrono::seconds;
using Clock = std::chrono::steady_clock;

constexpr int kVerifierWorkers = 4;
constexpr int kVerifierConnections = 4;
constexpr auto kDeliveryDeadline = seconds(120);

// The last `bytes` of a (long) log, for failure messages.
class ApiFaults : public ::testing::Test {
 protected:
  void SetUp() override {
    CreateEffectsTable(database_);
    DaemonOptions options{database_.url(), sandbox_.url()};
    // A short backoff ceiling so that recovery is seen within the test; the
    // API timeout is the harness's 2 s, so 10% timeouts cost little.
    options.verifier_yaml = fmt::format(
        "verifier: {{ workers: {}, connections: {}, batch_size: 16, max_backoff_s: 5 }}\n",
        kVerifierWorkers, kVerifierConnections);
    options.handlers_yaml = std::string("handlers:\n") + kEffectsHandlerYaml;
    daemon_ = std::make_unique<Daemon>(dir_, options);
    ASSERT_TRUE(daemon_->Start()) << daemon_->Output();
  }

  void SetFaults(const std::string& json) {
    const ClientResponse response = sandbox_.Post("/_sandbox/faults", json);
    ASSERT_EQ(response.status, 200u) << response.body;
  }

  int64_t ApiRequests() { return JsonInt(sandbox_.Get("/_sandbox/stats").body, "api_requests"); }

  // Signed calls about events PayPro never issued: intake stores them (it
  // cannot know), verification must reject them, and no handler may see them.
  std::set<std::string> PostForged(int count) {
    static std::mt19937_64 random{std::random_device{}()};
    const std::string model = sandbox_.CreateEvents(1).front();
    const std::string real_id = JsonString(model, "id");
    std::set<std::string> forged;
    for (int i = 0; i < count; ++i) {
      const std::string id = fmt::format("EVFORGED{:012}", random() % 1'000'000'000'000);
      std::string body = model;
      for (size_t at = body.find(real_id); at != std::string::npos; at = body.find(real_id, at + id.size())) {
        body.replace(at, real_id.size(), id);
      }
      EXPECT_EQ(daemon_->PostSigned(body).status, 200u) << id;
      forged.insert(id);
    }
    return forged;
  }

  // Every delivery was answered 200 at the first attempt: intake never
  // depends on the API.
  void ExpectOnlyOk(const DeliveryReport& deliveries, int triggered) {
    EXPECT_EQ(deliveries.pending, 0) << deliveries.json;
    EXPECT_EQ(deliveries.acknowledged, triggered) << deliveries.json;
    EXPECT_EQ(deliveries.failed + deliveries.dropped, 0) << deliveries.json;
    EXPECT_EQ(deliveries.answers, (std::map<std::string, int64_t>{{"200", deliveries.attempts}})) << deliveries.json;
  }

  // Waits for every acknowledged event to be processed and every forged one
  // rejected, then checks it happened exactly once; returns the wait.
  double ExpectEveryEventSettled(const std::set<std::string>& forged, seconds deadline) {
    const std::vector<std::string> listed = JsonStrings(sandbox_.Get("/_sandbox/deliveries/acknowledged").body, "ids");
    const std::set<std::string> acknowledged(listed.begin(), listed.end());
    const auto started = Clock::now();
    const std::string want = fmt::format("processed={} rejected={}", acknowledged.size(), forged.size());
    EXPECT_TRUE(Eventually([&] { return StateCounts(database_) == want; }, deadline))
        << StateCounts(database_) << "\n" << Tail(daemon_->Output());
    const double waited = SecondsSince(started);
    EXPECT_EQ(EventIdsIn(database_, "processed"), acknowledged);
    EXPECT_EQ(EventIdsIn(database_, "rejected"), forged);
    const EffectCounts effects = CountEffects(database_);
    EXPECT_EQ(effects.rows, static_cast<int64_t>(acknowledged.size()));
    EXPECT_EQ(effects.events, static_cast<int64_t>(acknowledged.size()));
    EXPECT_TRUE(effects.duplicated.empty()) << effects.duplicated.size() << " handled twice, e.g. "
                                            << effects.duplicated.front();
    EXPECT_EQ(database_.Scalar("SELECT count(*) FROM effects WHERE event_id LIKE 'EVFORGED%'"), "0");
    return waited;
  }

  // GET /events/{id} per acknowledged event: at most `ceiling` each.
  void ExpectFetchesAtMost(int ceiling) {
    const std::vector<std::string> ids = JsonStrings(sandbox_.Get("/_sandbox/deliveries/acknowledged").body, "ids");
    int most = 0;
    int64_t total = 0;
    for (const std::string& id : ids) {
      const int fetches = sandbox_.Fetches(id);
      most = std::max(most, fetches);
      total += fetches;
    }
    std::cout << fmt::format("[ figures  ] fetches per event: mean {:.2f}, max {}\n",
                             static_cast<double>(total) / static_cast<double>(ids.size()), most);
    EXPECT_LE(most, ceiling);
  }

  // The daemon counted every webhook call as a 200 too.
  void ExpectDaemonAnsweredOnlyOk() {
    const std::string scrape = daemon_->AdminGet("/metrics").body;
    const double all = MetricSum(scrape, "paypro_webhookd_webhook_requests_total");
    EXPECT_GT(all, 0);
    EXPECT_EQ(MetricSum(scrape, "paypro_webhookd_webhook_requests_total", "code=\"200\""), all);
  }

  TempDir dir_;
  TestDatabase database_;
  Sandbox sandbox_{dir_};
  std::unique_ptr<Daemon> daemon_;
};

TEST_F(ApiFaults, ErrorsAndTimeoutsEndWithEveryEventProcessedOnce) {
  const int count = ByScale(200, 2000);
  SetFaults(R"({"error_rate":0.3,"timeout_rate":0.1})");
  const auto started = Clock::now();
  TriggerDeliveries(sandbox_, daemon_->webhook_url(), count, "mixed");
  const std::set<std::string> forged = PostForged(ByScale(5, 20));
  ExpectOnlyOk(WaitForDeliveries(sandbox_, kDeliveryDeadline), count);

  // The faults stay on: every event must get through them.
  ExpectEveryEventSettled(forged, seconds(ByScale(240, 1200)));
  std::cout << fmt::format("[ figures  ] {} events + {} forged settled in {:.1f} s under 30% 500s + 10% timeouts\n",
                           count, forged.size(), SecondsSince(started));
  const std::string scrape = daemon_->AdminGet("/metrics").body;
  std::cout << fmt::format("[ figures  ] API calls: 200 {}, 404 {}, 500 {}, timeout {}\n",
                           MetricSum(scrape, "paypro_webhookd_api_requests_total", "code=\"200\""),
                           MetricSum(scrape, "paypro_webhookd_api_requests_total", "code=\"404\""),
                           MetricSum(scrape, "paypro_webhookd_api_requests_total", "code=\"500\""),
                           MetricSum(scrape, "paypro_webhookd_api_requests_total", "code=\"timeout\""));
  EXPECT_GT(MetricSum(scrape, "paypro_webhookd_api_requests_total", "code=\"500\""), 0);
  EXPECT_GT(MetricSum(scrape, "paypro_webhookd_api_requests_total", "code=\"timeout\""), 0);
  ExpectFetchesAtMost(20);
  ExpectDaemonAnsweredOnlyOk();
}

TEST_F(ApiFaults, RateLimitStormIsWaitedOutNotHammered) {
  const int count = ByScale(200, 1000);
  const int retry_after_s = 3;
  const seconds storm(ByScale(15, 180));
  SetFaults(fmt::format(R"({{"rate_limit_rate":1.0,"retry_after_s":{}}})", retry_after_s));
  const int64_t requests_before = ApiRequests();
  const auto storm_started = Clock::now();
  TriggerDeliveries(sandbox_, daemon_->webhook_url(), count, "mixed");
  const std::set<std::string> forged = PostForged(5);
  ExpectOnlyOk(WaitForDeliveries(sandbox_, kDeliveryDeadline), count);
  std::this_thread::sleep_until(storm_started + storm);
  const int64_t storm_requests = ApiRequests() - requests_before;
  const double lasted = SecondsSince(storm_started);  // longer than `storm` when deliveries were slow
  EXPECT_EQ(database_.Scalar("SELECT count(*) FROM paypro_events WHERE state <> 'received'"), "0");
  SetFaults(R"({"rate_limit_rate":0})");

  const double recovery = ExpectEveryEventSettled(forged, seconds(ByScale(120, 300)));
  std::cout << fmt::format("[ figures  ] {:.1f} s storm of 429 (Retry-After {} s): {} API requests for {} events; "
                           "all settled {:.1f} s after it ended\n",
                           lasted, retry_after_s, storm_requests, count + forged.size(), recovery);
  // Honouring Retry-After means the whole client waits, not each event on
  // its own: each worker may try once per Retry-After period (the calls it
  // had in flight over its other connections when the first 429 came, once).
  EXPECT_LE(storm_requests, kVerifierWorkers * (lasted / retry_after_s + 2 + kVerifierConnections - 1))
      << Tail(daemon_->Output());
  ExpectFetchesAtMost(10);
  ExpectDaemonAnsweredOnlyOk();
}

TEST_F(ApiFaults, FullOutageIsRiddenOutAndEverythingCatchesUp) {
  const int count = ByScale(200, 2000);
  const int retry_after_s = 2;
  const seconds outage(ByScale(20, 180));
  SetFaults(fmt::format(R"({{"down":true,"retry_after_s":{}}})", retry_after_s));
  const int64_t requests_before = ApiRequests();
  const auto outage_started = Clock::now();
  // Calls keep arriving all through the outage, and are all acknowledged.
  TriggerDeliveries(sandbox_, daemon_->webhook_url(), count / 2, "mixed");
  std::set<std::string> forged = PostForged(3);
  std::this_thread::sleep_until(outage_started + outage / 2);
  TriggerDeliveries(sandbox_, daemon_->webhook_url(), count - count / 2, "mixed");
  forged.merge(PostForged(3));
  ExpectOnlyOk(WaitForDeliveries(sandbox_, kDeliveryDeadline), count);
  std::this_thread::sleep_until(outage_started + outage);
  const int64_t outage_requests = ApiRequests() - requests_before;
  const double lasted = SecondsSince(outage_started);
  EXPECT_EQ(database_.Scalar("SELECT count(*) FROM paypro_events WHERE state <> 'received'"), "0");
  SetFaults(R"({"down":false})");

  const double recovery = ExpectEveryEventSettled(forged, seconds(ByScale(120, 600)));
  std::cout << fmt::format("[ figures  ] {:.1f} s outage (503, Retry-After {} s): {} API requests for {} events; "
                           "all settled {:.1f} s after it ended\n",
                           lasted, retry_after_s, outage_requests, count + forged.size(), recovery);
  EXPECT_LE(outage_requests, kVerifierWorkers * (lasted / retry_after_s + 2 + kVerifierConnections - 1))
      << Tail(daemon_->Output());
  ExpectFetchesAtMost(10);
  ExpectDaemonAnsweredOnlyOk();
}

}  // namespace
}  // namespace webhookd::testing
