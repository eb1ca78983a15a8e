// Several daemons on one database behind one nginx, one killed and restarted mid-run: each event processed once.
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <array>
#include <iostream>
#include <map>
#include <pqxx/pqxx>
#include <set>
#include <thread>

#include "tests/support/delivery_report.hpp"
#include "tests/support/event_outcomes.hpp"
#include "tests/support/fault_scale.hpp"
#include "tests/support/harness.hpp"
#include "tests/support/metric_scrape.hpp"
#include "tests/support/nginx.hpp"
#include "tests/support/test_database.hpp"

namespace webhookd::testing {
namespace {

constexpr int kDaemons = 3;
// Generous: the machine is shared, and a killed daemon's handler runs wait
// for their lease to run out.
constexpr auto kSettle = std::chrono::minutes(10);
constexpr auto kDownTime = std::chrono::seconds(2);

// Access log lines "<status> <upstreams> <uri>" with `status`, counted by
// the upstream that gave the answer: the last one nginx tried.
std::map<std::string, size_t> AnswersByUpstream(const std::string& log, const std::string& status) {
  std::map<std::string, size_t> counts;
  for (size_t at = 0; at < log.size();) {
    const size_t end = std::min(log.find('\n', at), log.size());
    const std::string line = log.substr(at, end - at);
    at = end + 1;
    const size_t uri = line.rfind(' ');
    if (line.rfind(status + " ", 0) != 0 || uri == std::string::npos) continue;
    const std::string upstreams = line.substr(status.size() + 1, uri - status.size() - 1);
    const size_t last = upstreams.rfind(", ");
    ++counts[last == std::string::npos ? upstreams : upstreams.substr(last + 2)];
  }
  return counts;
}

// Access log lines where nginx tried more than one upstream.
size_t TriedElsewhere(const std::string& log) {
  size_t count = 0;
  for (size_t at = log.find(", "); at != std::string::npos; at = log.find(", ", log.find('\n', at))) ++count;
  return count;
}

// One member of the cluster: its own folder (the harness names its config
// and log files alike), a name its sql handler writes beside each event id.
struct Member {
  std::string name;
  std::unique_ptr<TempDir> dir = std::make_unique<TempDir>();
  std::unique_ptr<Daemon> daemon;
  std::string upstream;  ///< its address as nginx's access log names it
  int kills = 0;
};

class Cluster : public ::testing::Test {
 protected:
  void SetUp() override {
    if (::access(kNginxBinary, X_OK) != 0) {
      GTEST_SKIP() << kNginxBinary << " is missing: scripts/setup installs nginx-light";
    }
    CreateEffectsTable(database_);
    {
      auto connection = database_.Connect();
      pqxx::work tx(*connection);
      tx.exec0("ALTER TABLE effects ADD COLUMN daemon text NOT NULL");
      tx.commit();
    }
    certificate_ = MakeCertificate(dir_);
    sandbox_ = std::make_unique<Sandbox>(
        dir_, std::vector<std::string>{"--webhook-ca-file", certificate_.cert_file});
    std::vector<uint16_t> ports;
    for (int i = 0; i < kDaemons; ++i) {
      Member& member = members_[i];
      member.name = fmt::format("d{}", i);
      DaemonOptions options{database_.url(), sandbox_->url()};
      options.handlers_yaml = fmt::format(
          "handlers:\n  - name: effects\n    on: [\"*\"]\n"
          "    sql: \"INSERT INTO effects (event_id, daemon) VALUES (:id, '{}')\"\n",
          member.name);
      options.verifier_yaml = "verifier: { workers: 2, batch_size: 32, max_backoff_s: 2 }\n";
      member.daemon = std::make_unique<Daemon>(*member.dir, options);
      ASSERT_TRUE(member.daemon->Start()) << member.daemon->Output();
      ports.push_back(member.daemon->port());
      member.upstream = fmt::format("127.0.0.1:{}", member.daemon->port());
    }
    nginx_ = std::make_unique<Nginx>(
        dir_, std::string(WEBHOOKD_SOURCE_DIR) + "/systemd/nginx/paypro-webhookd.conf",
        certificate_, ports);
  }

  DeliveryReport Deliveries() { return ParseDeliveryReport(sandbox_->Get("/_sandbox/deliveries").body); }

  // Sends `batch` more events and SIGKILLs `member` a third of the way
  // through them, leaves it down a moment (nginx meanwhile sends its share
  // to the others) and restarts it. A batch per kill, so that every kill
  // meets webhooks on their way however fast the machine delivers them.
  void DeliverAndKill(Member& member, int batch) {
    TriggerDeliveries(*sandbox_, nginx_->webhook_url(), batch, "mixed");
    sent_ += batch;
    DeliveryReport report;
    ASSERT_TRUE(Eventually(
        [&] { return (report = Deliveries()).acknowledged >= sent_ - batch * 2 / 3; }, kSettle))
        << report.json;
    member.daemon->Kill();
    ++member.kills;
    pending_at_kills_.push_back(report.pending);
    std::this_thread::sleep_for(kDownTime);
    ASSERT_TRUE(member.daemon->Start()) << member.daemon->Output().substr(0, 4000);
  }

  // Every acknowledged id has exactly one effect row, and there is no other
  // row; each member's share of the rows by name. The lost and duplicated ids
  // are counted for the summary.
  void ExpectEachEventProcessedOnce(int events, std::map<std::string, int>& share) {
    std::set<std::string> effects;
    {
      auto connection = database_.Connect();
      pqxx::work tx(*connection);
      for (const auto& row : tx.exec("SELECT event_id, daemon FROM effects")) {
        effects.insert(row[0].as<std::string>());
        ++share[row[1].as<std::string>()];
      }
    }
    const std::vector<std::string> acknowledged =
        JsonStrings(sandbox_->Get("/_sandbox/deliveries/acknowledged").body, "ids");
    ASSERT_EQ(std::set<std::string>(acknowledged.begin(), acknowledged.end()).size(), size_t(events));
    for (const std::string& id : acknowledged) lost_ += effects.contains(id) ? 0 : 1;
    const EffectCounts counts = CountEffects(database_);
    duplicated_ = counts.duplicated.size();
    EXPECT_EQ(lost_, 0u);
    EXPECT_EQ(duplicated_, 0u) << counts.duplicated.front();
    EXPECT_EQ(counts.rows, events);
    EXPECT_EQ(counts.events, events);
  }

  // Each member took webhooks (nginx's access log says which answered),
  // verified and processed some, and did again after its restart: its
  // counters start again then, so they are at most its whole share.
  void ExpectWorkSpread(int events, const DeliveryReport& deliveries, std::map<std::string, int>& share) {
    const size_t answered = size_t(deliveries.answers.at("200"));
    ASSERT_TRUE(Eventually([&] { return CountLines(nginx_->AccessLog(), "200 ") >= answered; },
                           std::chrono::seconds(10)));
    EXPECT_EQ(CountLines(nginx_->AccessLog(), "200 "), answered);
    const std::map<std::string, size_t> intake = AnswersByUpstream(nginx_->AccessLog(), "200");
    for (Member& member : members_) {
      const std::string scrape = member.daemon->AdminGet("/metrics").body;
      const double verified = MetricSum(scrape, "paypro_webhookd_events_verified_total");
      const double processed = MetricSum(scrape, "paypro_webhookd_events_processed_total");
      const double taken = MetricSum(scrape, "paypro_webhookd_webhook_requests_total", "code=\"200\"");
      const size_t logged = intake.contains(member.upstream) ? intake.at(member.upstream) : 0;
      const int handled = share[member.name];
      std::cout << fmt::format(
          "[ cluster  ] {}: killed {}x; nginx 200s {} ({:.1f}%), processed {} ({:.1f}%);"
          " since its last start: webhooks 200 {}, verified {}, processed {}\n",
          member.name, member.kills, logged, 100.0 * logged / events, handled, 100.0 * handled / events,
          taken, verified, processed);
      EXPECT_GE(logged, size_t(events / 20)) << member.name;
      EXPECT_GE(handled, events / 20) << member.name;
      EXPECT_GT(taken, 0) << member.name;
      EXPECT_LE(taken, double(logged)) << member.name;
      EXPECT_GT(verified, 0) << member.name;
      EXPECT_GT(processed, 0) << member.name;
      EXPECT_LE(processed, handled) << member.name;
    }
  }

  TempDir dir_;
  TestDatabase database_;
  Certificate certificate_;
  std::unique_ptr<Sandbox> sandbox_;
  std::array<Member, kDaemons> members_;
  std::unique_ptr<Nginx> nginx_;
  std::vector<int64_t> pending_at_kills_;
  int64_t sent_ = 0;
  size_t lost_ = 0;
  size_t duplicated_ = 0;
};

TEST_F(Cluster, EachEventIsProcessedExactlyOnceWhileMembersAreKilledAndRestarted) {
  const int events = ByScale(3000, 20000);
  // Each member in turn, a few seconds apart: a rolling restart by SIGKILL.
  const int kills = ByScale(3, 6);
  // The last fifth goes out once every member has been restarted, so that
  // each shows it took up work again.
  const int rejoin_events = events / 5;
  const auto started = std::chrono::steady_clock::now();
  // Nothing is given up: a call that meets a dying daemon is tried again.
  ASSERT_EQ(sandbox_->Post("/_sandbox/faults", R"({"max_delivery_attempts":100})").status, 200u);
  for (int k = 0; k < kills; ++k) {
    const int batch = (events - rejoin_events) * (k + 1) / kills - (events - rejoin_events) * k / kills;
    ASSERT_NO_FATAL_FAILURE(DeliverAndKill(members_[k % kDaemons], batch));
  }
  TriggerDeliveries(*sandbox_, nginx_->webhook_url(), rejoin_events, "mixed");
  const DeliveryReport deliveries = WaitForDeliveries(*sandbox_, kSettle);
  const auto delivered = std::chrono::steady_clock::now();
  ASSERT_EQ(deliveries.pending, 0) << deliveries.json;
  ASSERT_EQ(deliveries.acknowledged, events) << deliveries.json;
  EXPECT_EQ(deliveries.failed, 0) << deliveries.json;
  // Every kill met webhooks still on their way, not an idle cluster.
  for (const int64_t pending : pending_at_kills_) EXPECT_GT(pending, 0);
  // The site file's proxy_next_upstream and max_fails=0: a call that met a
  // dead member was passed to another, and no member stayed benched after
  // its restart, so PayPro never saw nginx fail (502) for want of one. With
  // nginx's default max_fails=1 fail_timeout=10s, a rolling restart faster
  // than 10 s benched all three and every call got 502 "no live upstreams".
  EXPECT_FALSE(deliveries.answers.contains("502")) << deliveries.json << nginx_->Output().substr(0, 4000);
  EXPECT_GE(TriedElsewhere(nginx_->AccessLog()), size_t(kills)) << nginx_->AccessLog().substr(0, 4000);

  const std::string all_processed = fmt::format("processed={}", events);
  ASSERT_TRUE(Eventually([&] { return StateCounts(database_) == all_processed; }, kSettle))
      << StateCounts(database_);
  const auto processed = std::chrono::steady_clock::now();
  // Nothing is left claimed: no transaction left open (a verifier's claim is one), no handler run.
  EXPECT_EQ(database_.TransactionsLeftOpen(), 0);
  EXPECT_EQ(database_.Scalar("SELECT count(*) FROM paypro_handler_runs"), "0");

  std::map<std::string, int> share;
  ASSERT_NO_FATAL_FAILURE(ExpectEachEventProcessedOnce(events, share));
  ASSERT_NO_FATAL_FAILURE(ExpectWorkSpread(events, deliveries, share));
  const auto seconds = [&](auto until) { return std::chrono::duration<double>(until - started).count(); };
  std::string answers;
  for (const auto& [status, count] : deliveries.answers) answers += fmt::format(" {}={}", status, count);
  std::cout << fmt::format(
      "[ cluster  ] {} events, {} kills (pending at each: {}); sandbox attempts {}, answers:{};"
      " nginx tried another upstream for {}; lost {}, duplicated {};"
      " delivered in {:.1f} s, processed in {:.1f} s\n",
      events, kills, fmt::join(pending_at_kills_, ","), deliveries.attempts, answers,
      TriedElsewhere(nginx_->AccessLog()), lost_, duplicated_, seconds(delivered), seconds(processed));
}

}  // namespace
}  // namespace webhookd::testing
