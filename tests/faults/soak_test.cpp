// Fault suite: a long steady load with every handler kind at work. Window by
// window, paypro-loadgen sends open-loop at a fixed rate and the test samples
// the daemon: resident memory, open descriptors, its PostgreSQL connections
// and the acknowledgement p99. Nothing may creep up once warmed up, and
// everything acknowledged must end processed with each effect applied once.
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <algorithm>
#include <map>
#include <pqxx/pqxx>
#include <set>
#include <sstream>

#include "tests/support/commit_probe.hpp"
#include "tests/support/event_outcomes.hpp"
#include "tests/support/fault_scale.hpp"
#include "tests/support/harness.hpp"
#include "tests/support/histogram_scrape.hpp"
#include "tests/support/load_run.hpp"
#include "tests/support/metric_scrape.hpp"
#include "tests/support/notification_drain.hpp"
#include "tests/support/process_descriptors.hpp"
#include "tests/support/process_memory.hpp"
#include "tests/support/test_database.hpp"
#include "tests/support/webhook_receiver.hpp"

namespace webhookd::testing {
namespace {

using std::chrono::seconds;

constexpr const char* kShopSecret = "soak-shop-secret";
constexpr const char* kChannel = "soak_events";
// "Flat" per the issue: within 10% of the warmed-up value.
constexpr double kGrowthAllowed = 1.10;
// Descriptors the daemon may add after the warm-up without leaking: the http
// handler's client pool grows to the highest concurrency it has seen, up to
// the handler runner's 8 workers, each client an epoll, eventfd, timerfd and
// socket; and two exec children hold three pipes each. In the long run a leak
// of one descriptor per thousand events passes this within two windows.
constexpr long kDescriptorSlack = 8 * 4 + 2 * 3;
// A window's p99 is unstable when above this multiple of the median window's
// p99, plus kP99NoiseMs, plus the worst commit stall a CommitProbe saw in
// that window, unless the daemon's own histogram (body read to answer) puts
// 99% of its acks under a bucket bound within that limit: then the tail arose
// outside the daemon. The machine and the cluster are shared: other suites'
// DROP DATABASE forces immediate checkpoints that held every commit for 1 to
// 1.6 s and put single windows' p99 at 1.0 to 1.4 s (a median of 72 ms); with
// builds beside it (load averages of 15 to 37 on 2 cores) p99 moved between
// 28 and 112 ms at 100/s, and once to 386 ms at 500/s with no commit stall,
// nothing changing in the daemon. A leak or a growing queue instead shows as
// a p99 that climbs window after window and stays there: the daemon's own
// histogram sees it, and so does the halves check in long runs.
constexpr double kP99Multiple = 3.0;
constexpr double kP99NoiseMs = 50.0;
constexpr const char* kAckHistogram = "paypro_webhookd_ack_duration_seconds";

// The event types the http handler subscribes to, as SQL.
constexpr const char* kShopTypes =
    "(event_type LIKE 'payment.%' OR event_type LIKE 'refund.%' OR "
    "event_type LIKE 'chargeback.%')";

// What a window ended with.
struct WindowFigures {
  LoadSummary load;
  long rss_kb = 0;
  long peak_rss_kb = 0;
  long descriptors = 0;
  int64_t db_idle = 0;     ///< the daemon's connections idle at the sample
  int64_t db_total = 0;    ///< all of the daemon's connections
  int64_t backlog = 0;     ///< stored, not yet processed
  double db_stall_ms = 0;  ///< the slowest commit of a CommitProbe during the window
  /// The daemon's own ack histogram over the window (acks at most `le` s, by `le`).
  std::map<double, double> daemon_acks;
};

double Median(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  const size_t n = values.size();
  return n % 2 == 1 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
}

class Soak : public ::testing::Test {
 protected:
  void SetUp() override {
    CreateEffectsTable(database_);
    ASSERT_TRUE(receiver_.Up());
    WriteFile(dir_.File("fulfil"), "#!/bin/sh\necho \"$PAYPRO_EVENT_ID\" >> " +
                                       dir_.File("fulfilled") + "\ncat > /dev/null\n");
    chmod(dir_.File("fulfil").c_str(), 0755);
    DaemonOptions options{database_.url(), sandbox_.url()};
    // The daemon's default worker count, not the harness's two: production's pace.
    options.verifier_yaml =
        "verifier: { workers: 4, batch_size: 32, max_backoff_s: 2 }\n";
    options.handlers_yaml = fmt::format(
        "handlers:\n{}"
        "  - name: wake\n    on: [\"*\"]\n    notify: {{ channel: {} }}\n"
        "  - name: mirror\n    on: [\"*\"]\n    mirror: {{}}\n"
        "  - name: shop\n    on: [\"payment.*\", \"refund.*\", \"chargeback.*\"]\n"
        "    http: {{ url: \"{}\", secret: \"{}\", timeout_ms: 5000 }}\n"
        "  - name: fulfil\n    on: [payment.paid]\n"
        "    exec: {{ argv: [\"{}\"], timeout_ms: 10000, max_concurrency: 2 }}\n"
        "  - name: audit\n    on: [\"*\"]\n    log: {{}}\n",
        kEffectsHandlerYaml, kChannel, receiver_.url(), kShopSecret, dir_.File("fulfil"));
    daemon_ = std::make_unique<Daemon>(dir_, options);
    // The harness logs at debug: a line per request would dwarf the work measured.
    std::string yaml = ReadFile(daemon_->config_path());
    const size_t at = yaml.find("log: { level: debug }");
    ASSERT_NE(at, std::string::npos) << yaml;
    WriteFile(daemon_->config_path(), yaml.replace(at, 21, "log: { level: info }"));
    notifications_ = std::make_unique<NotificationDrain>(database_, kChannel);
    probe_ = std::make_unique<CommitProbe>(database_);
    monitor_ = database_.Connect();
    ASSERT_TRUE(daemon_->Start()) << daemon_->Output();
  }

  int64_t Count(const std::string& sql) {
    return pqxx::nontransaction(*monitor_).exec1(sql)[0].as<int64_t>();
  }

  WindowFigures RunWindow(int index, double rate, double seconds_long) {
    const LoadSettings settings = OpenLoop(daemon_->webhook_url(), sandbox_.url(), rate, seconds_long, 32);
    probe_->TakeSlowestMs();
    const std::string before = daemon_->AdminGet("/metrics").body;
    LoadRun run(dir_, fmt::format("window-{}", index), settings);
    WindowFigures figures;
    const std::optional<LoadSummary> load = run.Wait(seconds(static_cast<int>(seconds_long) + 180));
    EXPECT_TRUE(load) << run.Output();
    if (load) figures.load = *load;
    figures.db_stall_ms = probe_->TakeSlowestMs();
    figures.daemon_acks = HistogramDelta(before, daemon_->AdminGet("/metrics").body, kAckHistogram);
    Sample(figures);
    fmt::print(
        "soak window {}: rss {} kB (peak {} kB), fds {}, db connections {} ({} idle), backlog {}, "
        "200s {}, other {}, errors {}, p50 {:.2f} ms, p99 {:.2f} ms, p99.9 {:.2f} ms, max {:.2f} "
        "ms; the daemon's own p99 at most {} ms; slowest probe commit {:.1f} ms\n",
        index, figures.rss_kb, figures.peak_rss_kb, figures.descriptors, figures.db_total,
        figures.db_idle, figures.backlog, figures.load.Count(200),
        figures.load.answered - figures.load.Count(200), figures.load.errors, figures.load.p50_ms,
        figures.load.p99_ms, figures.load.p999_ms, figures.load.max_ms,
        1000 * QuantileAtMost(figures.daemon_acks, 0.99), figures.db_stall_ms);
    std::fflush(stdout);
    return figures;
  }

  // The daemon's memory, descriptors and database connections, and the backlog.
  void Sample(WindowFigures& figures) {
    const pid_t pid = daemon_->process().pid();
    figures.rss_kb = ResidentKb(pid);
    figures.peak_rss_kb = PeakResidentKb(pid);
    figures.descriptors = OpenDescriptors(pid);
    // Client backends only: autovacuum and parallel query workers show up
    // under the database too, and come and go with the table's growth.
    const std::string others = fmt::format(
        "datname = current_database() AND backend_type = 'client backend' AND pid NOT IN "
        "(pg_backend_pid(), {}, {})",
        notifications_->backend_pid(), probe_->backend_pid());
    figures.db_idle =
        Count("SELECT count(*) FROM pg_stat_activity WHERE state = 'idle' AND " + others);
    figures.db_total = Count("SELECT count(*) FROM pg_stat_activity WHERE " + others);
    figures.backlog = Count("SELECT count(*) FROM paypro_events WHERE state <> 'processed'");
  }

  // Everything acknowledged ends processed, each handler's effect there once.
  void ExpectEverythingHandled(int64_t acknowledged) {
    const auto processed = [&] {
      return Count("SELECT count(*) FROM paypro_events WHERE state = 'processed'");
    };
    EXPECT_TRUE(Eventually([&] { return processed() == acknowledged; }, seconds(ByScale(180, 900))))
        << StateCounts(database_);
    EXPECT_EQ(Count("SELECT count(*) FROM paypro_events"), acknowledged);
    const EffectCounts effects = CountEffects(database_);
    EXPECT_EQ(effects.rows, acknowledged);
    EXPECT_TRUE(effects.duplicated.empty()) << effects.duplicated.front();
    const int64_t shop_events =
        Count(std::string("SELECT count(*) FROM paypro_events WHERE ") + kShopTypes);
    EXPECT_EQ(static_cast<int64_t>(receiver_.accepted().size()), shop_events);
    EXPECT_EQ(receiver_.bad_signatures(), 0);
    std::set<std::string> fulfilled;
    std::istringstream lines(ReadFile(dir_.File("fulfilled")));
    for (std::string line; std::getline(lines, line);) fulfilled.insert(line);
    EXPECT_EQ(static_cast<int64_t>(fulfilled.size()),
              Count("SELECT count(*) FROM paypro_events WHERE event_type = 'payment.paid'"));
    EXPECT_GT(Count("SELECT count(*) FROM paypro_mirror_payments"), 0);
    EXPECT_EQ(Count("SELECT count(*) FROM paypro_handler_runs WHERE state <> 'succeeded'"), 0);
    Eventually([&] { return notifications_->count() >= acknowledged; }, seconds(10));
    EXPECT_EQ(notifications_->count(), acknowledged);
    const std::string metrics = daemon_->AdminGet("/metrics").body;
    EXPECT_EQ(MetricSum(metrics, "paypro_webhookd_handler_runs_total",
                        "handler=\"audit\",result=\"done\""),
              acknowledged);
    fmt::print("soak: shop deliveries {} of {} events, exec runs {}, notifications {}\n",
               receiver_.accepted().size(), shop_events, fulfilled.size(), notifications_->count());
  }

  TempDir dir_;
  TestDatabase database_;
  Sandbox sandbox_{dir_};
  WebhookReceiver receiver_{kShopSecret};
  std::unique_ptr<Daemon> daemon_;
  std::unique_ptr<NotificationDrain> notifications_;
  std::unique_ptr<CommitProbe> probe_;
  std::unique_ptr<pqxx::connection> monitor_;
};

// After the warm-up window (pools fill, caches and malloc arenas reach their
// size), memory, descriptors and database connections stay where they were.
void ExpectFlat(const std::vector<WindowFigures>& figures) {
  const WindowFigures& warm = figures.front();
  for (size_t i = 1; i < figures.size(); ++i) {
    const WindowFigures& window = figures[i];
    if (kMemoryIsMeasurable) {
      EXPECT_LE(window.rss_kb, kGrowthAllowed * warm.rss_kb) << "window " << i + 1;
    }
    EXPECT_LE(window.descriptors,
              static_cast<long>(kGrowthAllowed * warm.descriptors) + kDescriptorSlack)
        << "window " << i + 1;
    // The daemon's pools are fixed in size: more connections, idle or not, would be a leak.
    EXPECT_LE(window.db_total, warm.db_total) << "window " << i + 1;
    EXPECT_LE(window.db_idle, warm.db_total) << "window " << i + 1;
  }
}

// No window after the warm-up much slower than the typical one (see
// kP99Multiple) and, with three windows or more per half, no drift: the later
// half not much slower than the earlier half. The median window's p99.
double ExpectStableP99(const std::vector<WindowFigures>& figures) {
  std::vector<double> p99s;
  for (size_t i = 1; i < figures.size(); ++i) p99s.push_back(figures[i].load.p99_ms);
  const double median = Median(p99s);
  for (size_t i = 1; i < figures.size(); ++i) {
    const WindowFigures& window = figures[i];
    const double limit_ms = kP99Multiple * median + kP99NoiseMs + window.db_stall_ms;
    const double daemon_p99_ms = 1000 * QuantileAtMost(window.daemon_acks, 0.99);
    if (daemon_p99_ms <= limit_ms) continue;
    EXPECT_LE(window.load.p99_ms, limit_ms)
        << "window " << i + 1 << " (commit stall " << window.db_stall_ms << " ms, the daemon's own "
        << "p99 at most " << daemon_p99_ms << " ms) against the median window's " << median
        << " ms";
  }
  const auto half = static_cast<long>(p99s.size() / 2);
  if (half >= 3) {
    const std::vector<double> earlier(p99s.begin(), p99s.begin() + half);
    const std::vector<double> later(p99s.end() - half, p99s.end());
    EXPECT_LE(Median(later), 2 * Median(earlier) + kP99NoiseMs);
  }
  return median;
}

TEST_F(Soak, StaysFlatUnderSteadyLoadWithEveryHandlerKind) {
  const double rate = ByScale(100.0, 500.0);
  const int windows = ByScale(4, 10);
  const double window_s = ByScale(12.0, 60.0);
  std::vector<WindowFigures> figures;
  for (int i = 0; i < windows; ++i) figures.push_back(RunWindow(i + 1, rate, window_s));

  int64_t acknowledged = 0;
  for (const WindowFigures& window : figures) {
    acknowledged += static_cast<int64_t>(window.load.Count(200));
    EXPECT_EQ(window.load.errors, 0u) << window.load.json;
    EXPECT_EQ(window.load.Count(200), window.load.answered) << "not all 200: " << window.load.json;
    EXPECT_EQ(window.load.sent, static_cast<uint64_t>(rate * window_s)) << window.load.json;
  }
  ExpectFlat(figures);
  const double median_p99 = ExpectStableP99(figures);

  const auto drain_start = std::chrono::steady_clock::now();
  ExpectEverythingHandled(acknowledged);
  const double drain_s =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - drain_start).count();
  fmt::print(
      "soak: {} windows of {} s at {}/s, {} acknowledged, all handled {:.1f} s after the last "
      "window, median p99 {:.2f} ms\n",
      windows, window_s, rate, acknowledged, drain_s, median_p99);
  EXPECT_EQ(probe_->failure(), "");
  EXPECT_TRUE(daemon_->process().running());
  EXPECT_EQ(daemon_->Stop(), 0) << daemon_->Output().substr(0, 4000);
}

}  // namespace
}  // namespace webhookd::testing
