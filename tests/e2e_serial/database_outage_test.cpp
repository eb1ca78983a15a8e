// End to end: PostgreSQL goes away under load and comes back. Runs alone
// (RUN_SERIAL) because it stops the cluster every other test uses.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "core/url.hpp"
#include "paypro/signature.hpp"
#include "tests/support/harness.hpp"
#include "tests/support/test_database.hpp"

namespace webhookd::testing {
namespace {

int PgControl(const TempDir& dir, const std::string& action, const std::string& mode = "fast") {
  ChildProcess control({WEBHOOKD_SOURCE_DIR "/scripts/lib/pg-control", action, mode}, dir.File("pg-control.log"));
  return control.Wait(std::chrono::seconds(90));
}

TEST(DatabaseOutage, AnswersRetryLaterAndLosesNothingAcknowledged) {
  ASSERT_NE(std::getenv("PAYPRO_PG_DIR"), nullptr) << "run through scripts/test";
  TempDir dir;
  TestDatabase database;
  Sandbox sandbox(dir);
  Daemon daemon(dir, DaemonOptions{database.url(), sandbox.url()});
  ASSERT_TRUE(daemon.Start()) << daemon.Output();
  const std::vector<std::string> events = sandbox.CreateEvents(300, "mixed");

  // PayPro's behaviour: post each event until it is acknowledged.
  std::atomic<size_t> next{0};
  std::atomic<int> unavailable{0};
  std::atomic<int> with_retry_after{0};
  std::vector<std::thread> senders;
  for (int s = 0; s < 4; ++s) {
    senders.emplace_back([&] {
      HttpClient client(*ParseUrl(daemon.webhook_url().substr(0, daemon.webhook_url().find("/webhooks"))));
      for (size_t i = next++; i < events.size(); i = next++) {
        while (true) {
          const std::string stamp = std::to_string(NowSeconds());
          ClientRequest request{"POST", "/webhooks/paypro", {}, events[i]};
          request.headers.Add("PayPro-Timestamp", stamp);
          request.headers.Add("PayPro-Signature", ComputeWebhookSignature(Secret(kWebhookSecret), stamp, events[i]));
          auto response = client.Send(request);
          if (response && response->status == 200) break;
          if (response && response->status == 503) {
            ++unavailable;
            if (!response->headers.Get("Retry-After").empty()) ++with_retry_after;
          }
          std::this_thread::sleep_for(std::chrono::milliseconds(100));
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
      }
    });
  }
  ASSERT_TRUE(Eventually([&] { return next >= 60; }, std::chrono::seconds(30)));
  ASSERT_EQ(PgControl(dir, "stop"), 0);
  std::this_thread::sleep_for(std::chrono::seconds(3));
  EXPECT_EQ(daemon.AdminGet("/readyz").status, 503u);
  ASSERT_EQ(PgControl(dir, "start"), 0);
  for (std::thread& sender : senders) sender.join();

  EXPECT_GT(unavailable.load(), 0) << "the outage should have been answered with 503";
  EXPECT_EQ(with_retry_after.load(), unavailable.load());
  ASSERT_TRUE(Eventually([&] {
    return database.Scalar("SELECT count(*) FROM paypro_events WHERE state = 'processed'") == "300";
  }, std::chrono::seconds(90))) << database.Scalar("SELECT json_object_agg(state, n)::text FROM (SELECT state, count(*) n FROM paypro_events GROUP BY 1) s");
  std::vector<std::string> ids;
  for (const std::string& event : events) ids.push_back(JsonString(event, "id"));
  EXPECT_TRUE(daemon.AwaitDispatched(ids));
  for (const std::string& id : ids) {
    EXPECT_EQ(daemon.Dispatches(id), 1) << daemon.LinesAbout(id);
  }
  EXPECT_TRUE(daemon.process().running()) << "the daemon must survive the outage without a restart";
  EXPECT_EQ(daemon.AdminGet("/readyz").status, 200u);
}

}  // namespace
}  // namespace webhookd::testing
