// End to end: every handler kind from YAML against the sandbox, with a real
// orders table, a real HTTP receiver and a real script.
#include <boost/asio/io_context.hpp>
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <sys/stat.h>

#include <atomic>
#include <mutex>
#include <set>
#include <thread>

#include "core/crypto.hpp"
#include "core/http_server.hpp"
#include "tests/support/harness.hpp"
#include "tests/support/test_database.hpp"

namespace webhookd::testing {
namespace {

constexpr const char* kShopSecret = "shop-secret-for-tests";
constexpr auto kSettle = std::chrono::seconds(60);

// The shop's service: checks the Standard Webhooks signature, fails the
// first `fail_first` calls with 503, and records the event ids it accepted.
class Receiver {
 public:
  explicit Receiver(int fail_first) : fail_first_(fail_first) {
    HttpServerOptions options;
    options.listen = HostPort{"127.0.0.1", 0};
    server_ = std::make_unique<HttpServer>(ioc_, options, [this](ServerRequest request, Responder respond) {
      respond(Handle(request));
    });
    EXPECT_TRUE(server_->Start());
    thread_ = std::thread([this] { ioc_.run(); });
  }
  ~Receiver() {
    server_->StopAccepting();
    ioc_.stop();
    thread_.join();
  }
  std::string url() const { return fmt::format("http://127.0.0.1:{}/paypro", server_->port()); }
  std::multiset<std::string> accepted() {
    std::lock_guard lock(mutex_);
    return accepted_;
  }
  int bad_signatures() const { return bad_signatures_; }
  int refused() const { return refused_; }

 private:
  ServerResponse Handle(const ServerRequest& request) {
    ServerResponse response;
    const std::string id(request.headers.Get("webhook-id"));
    const std::string stamp(request.headers.Get("webhook-timestamp"));
    const std::string expected = "v1," + Base64Encode(HmacSha256(kShopSecret, id + "." + stamp + "." + request.body));
    if (request.headers.Get("webhook-signature") != expected || JsonString(request.body, "id") != id) {
      ++bad_signatures_;
      response.status = 400;
      return response;
    }
    if (refused_ < fail_first_) {
      ++refused_;
      response.status = 503;
      response.headers.Add("Retry-After", "1");
      return response;
    }
    std::lock_guard lock(mutex_);
    accepted_.insert(id);
    return response;
  }

  boost::asio::io_context ioc_;
  std::unique_ptr<HttpServer> server_;
  std::thread thread_;
  std::mutex mutex_;
  std::multiset<std::string> accepted_;
  std::atomic<int> bad_signatures_{0};
  std::atomic<int> refused_{0};
  const int fail_first_;
};

// Counts notifications on a channel; pqxx hands them to registered receivers only.
class NotificationCounter : public pqxx::notification_receiver {
 public:
  NotificationCounter(pqxx::connection_base& connection, const std::string& channel)
      : pqxx::notification_receiver(connection, channel) {}
  void operator()(const std::string& payload, int) override {
    ++count;
    EXPECT_EQ(JsonString(payload, "id").substr(0, 2), "EV") << payload;
  }
  int count = 0;
};

class Handlers : public ::testing::Test {
 protected:
  void SetUp() override {
    auto connection = database_.Connect();
    pqxx::work tx(*connection);
    tx.exec0("CREATE TABLE orders (id text PRIMARY KEY, paid_at timestamptz, paypro_payment text)");
    tx.exec0("CREATE TABLE effects (event_id text NOT NULL, event_type text NOT NULL, resource_id text,"
             " seq bigserial)");
    tx.commit();
    WriteFile(dir_.File("fulfil"), "#!/bin/sh\necho \"$PAYPRO_EVENT_ID $1 $2\" >> " + dir_.File("fulfilled") +
                                       "\ncat > /dev/null\n");
    chmod(dir_.File("fulfil").c_str(), 0755);
  }

  std::string HandlersYaml(const std::string& receiver_url) {
    return fmt::format(R"yaml(handlers:
  - name: mark-order-paid
    on: [payment.paid]
    when:
      payload.metadata.order_id: {{ exists: true }}
      payload.amount: {{ gte: 100 }}
    sql: "UPDATE orders SET paid_at = now(), paypro_payment = :payload.id WHERE id = :payload.metadata.order_id"
  - name: record-effect
    on: ["*"]
    sql: "INSERT INTO effects (event_id, event_type, resource_id) VALUES (:id, :event_type, :payload.id)"
  - name: notify-shop
    on: ["payment.*", "refund.*", "chargeback.*"]
    http: {{ url: "{}", secret: "{}", timeout_ms: 2000 }}
    retry: {{ max_attempts: 10, initial_backoff_ms: 100, max_backoff_ms: 1000 }}
  - name: fulfil
    on: [payment.paid]
    exec: {{ argv: ["{}", "--order", "{{payload.metadata.order_id}}"], timeout_ms: 10000, max_concurrency: 2 }}
  - name: mirror
    on: ["*"]
    mirror: {{}}
  - name: wake-workers
    on: ["*"]
    notify: {{ channel: paypro_events }}
  - name: audit
    on: ["*"]
    log: {{}}
)yaml",
                       receiver_url, kShopSecret, dir_.File("fulfil"));
  }

  std::string Count(const std::string& sql) { return database_.Scalar(sql); }

  TempDir dir_;
  TestDatabase database_;
  Sandbox sandbox_{dir_};
};

TEST_F(Handlers, TheExampleConfigRunsEndToEnd) {
  Receiver receiver(3);
  DaemonOptions options{database_.url(), sandbox_.url()};
  options.handlers_yaml = HandlersYaml(receiver.url());
  Daemon daemon(dir_, options);
  const std::vector<std::string> events = sandbox_.CreateEvents(60, "mixed");
  {
    auto connection = database_.Connect();
    pqxx::work tx(*connection);
    for (const std::string& event : events) {
      if (JsonString(event, "event_type") != "payment.paid") continue;
      tx.exec_params0("INSERT INTO orders (id) SELECT ($1::json #>> '{payload,metadata,order_id}')", event);
    }
    tx.commit();
  }
  auto listener = database_.Connect();
  NotificationCounter notifications(*listener, "paypro_events");
  ASSERT_TRUE(daemon.Start()) << daemon.Output();
  for (const std::string& event : events) ASSERT_EQ(daemon.PostSigned(event).status, 200u);

  ASSERT_TRUE(Eventually([&] { return Count("SELECT count(*) FROM paypro_events WHERE state = 'processed'") == "60"; },
                         kSettle))
      << Count("SELECT json_agg(json_build_object('id', event_id, 'state', state, 'error', last_error))::text"
               " FROM paypro_events WHERE state <> 'processed'")
      << daemon.Output().substr(0, 3000);
  std::vector<std::string> ids;
  for (const std::string& event : events) ids.push_back(JsonString(event, "id"));
  EXPECT_TRUE(daemon.AwaitDispatched(ids));

  int paid = 0;
  int shop_events = 0;
  const std::multiset<std::string> accepted = receiver.accepted();
  const std::string fulfilled = ReadFile(dir_.File("fulfilled"));
  for (const std::string& event : events) {
    const std::string id = JsonString(event, "id");
    const std::string type = JsonString(event, "event_type");
    EXPECT_EQ(Count("SELECT count(*) FROM effects WHERE event_id = '" + id + "'"), "1") << id;
    EXPECT_EQ(daemon.Dispatches(id), 1) << id;
    const std::string resource = type.substr(0, type.find('.'));
    if (resource == "payment" || resource == "refund" || resource == "chargeback") {
      ++shop_events;
      EXPECT_GE(accepted.count(id), 1u) << id;
    } else {
      EXPECT_EQ(accepted.count(id), 0u) << id;
    }
    if (type == "payment.paid") {
      ++paid;
      EXPECT_NE(fulfilled.find(id + " --order "), std::string::npos) << id;
    }
  }
  ASSERT_GT(paid, 0);
  EXPECT_EQ(Count("SELECT count(*) FROM orders WHERE paid_at IS NOT NULL AND paypro_payment LIKE 'PP%'"),
            std::to_string(paid));
  EXPECT_EQ(receiver.bad_signatures(), 0);
  EXPECT_EQ(receiver.refused(), 3);
  EXPECT_GE(accepted.size(), static_cast<size_t>(shop_events));
  EXPECT_NE(Count("SELECT count(*) FROM paypro_mirror_payments"), "0");
  EXPECT_EQ(Count("SELECT count(*) FROM paypro_handler_runs WHERE state <> 'succeeded'"), "0");

  while (listener->await_notification(1, 0) > 0) {
  }
  EXPECT_EQ(notifications.count, 60);
}

TEST_F(Handlers, EventsOfOneResourceAreHandledInPayProsOrder) {
  // PayPro answers slowly, so several events of a payment are in the daemon
  // at once and get verified in whatever order the workers reach them.
  ASSERT_EQ(sandbox_.Post("/_sandbox/faults", R"({"latency_ms":30})").status, 200u);
  DaemonOptions options{database_.url(), sandbox_.url()};
  options.verifier_yaml = "verifier: { workers: 4, batch_size: 4, max_backoff_s: 2 }\n";
  options.handlers_yaml =
      "handlers:\n  - name: record-effect\n    on: [\"*\"]\n"
      "    sql: \"INSERT INTO effects (event_id, event_type, resource_id) VALUES (:id, :event_type, :payload.id)\"\n";
  options.processor_yaml = "processor: { workers: 4, batch_size: 10, max_attempts: 5, max_backoff_s: 2 }\n";
  Daemon daemon(dir_, options);
  ASSERT_TRUE(daemon.Start()) << daemon.Output();
  std::vector<std::string> events = sandbox_.CreateEvents(90, "lifecycle");  // created, started, paid per payment
  // Delivered newest first, from several connections at once.
  std::reverse(events.begin(), events.end());
  std::vector<std::thread> senders;
  std::atomic<size_t> next{0};
  for (int s = 0; s < 6; ++s) {
    senders.emplace_back([&] {
      for (size_t i = next++; i < events.size(); i = next++) EXPECT_EQ(daemon.PostSigned(events[i]).status, 200u);
    });
  }
  for (std::thread& sender : senders) sender.join();
  ASSERT_TRUE(Eventually([&] { return Count("SELECT count(*) FROM effects") == "90"; }, kSettle)) << daemon.Output();
  // Per payment, the effects' order must be PayPro's created_at order.
  EXPECT_EQ(Count("SELECT count(*) FROM (SELECT resource_id, array_agg(event_type ORDER BY seq) AS seen FROM effects"
                  " GROUP BY resource_id) s"
                  " WHERE seen <> ARRAY['payment.created', 'payment.started', 'payment.paid']"),
            "0");
}

TEST_F(Handlers, SqlEffectHappensOnceAcrossKillsAndDuplicates) {
  DaemonOptions options{database_.url(), sandbox_.url()};
  options.handlers_yaml =
      "handlers:\n  - name: record-effect\n    on: [\"*\"]\n"
      "    sql: \"INSERT INTO effects (event_id, event_type) SELECT :id, :event_type FROM pg_sleep(0.05)\"\n";
  options.processor_yaml = "processor: { workers: 2, batch_size: 20, max_attempts: 5, max_backoff_s: 2 }\n";
  Daemon daemon(dir_, options);
  ASSERT_TRUE(daemon.Start()) << daemon.Output();
  const std::vector<std::string> events = sandbox_.CreateEvents(40, "mixed");
  std::vector<std::thread> senders;
  for (int copy = 0; copy < 20; ++copy) {
    senders.emplace_back([&] {
      for (const std::string& event : events) EXPECT_EQ(daemon.PostSigned(event).status, 200u);
    });
  }
  for (std::thread& sender : senders) sender.join();
  // Kill it while batches are inside their transactions, then restart; a
  // second time if work is still left. A slow build (a sanitizer's) may have
  // processed everything while the copies were still being posted: then the
  // duplicates alone are under test.
  const auto unfinished = [&] { return Count("SELECT count(*) FROM paypro_events WHERE state = 'verified'") != "0"; };
  const auto all_processed = [&] {
    return Count("SELECT count(*) FROM paypro_events WHERE state = 'processed'") == "40";
  };
  for (int kill = 0; kill < 2; ++kill) {
    ASSERT_TRUE(Eventually([&] { return unfinished() || all_processed(); }, kSettle));
    if (!unfinished()) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    daemon.Kill();
    ASSERT_TRUE(daemon.Start()) << daemon.Output();
  }
  ASSERT_TRUE(Eventually(all_processed, kSettle));
  EXPECT_EQ(Count("SELECT count(*) FROM paypro_events"), "40");
  EXPECT_EQ(Count("SELECT count(*) FROM effects"), "40");
  EXPECT_EQ(Count("SELECT count(*) FROM (SELECT event_id FROM effects GROUP BY 1 HAVING count(*) > 1) d"), "0");
}

}  // namespace
}  // namespace webhookd::testing
