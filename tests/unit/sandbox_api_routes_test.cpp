// Tests for the sandbox's API routing, auth and fault answers, without network.
#include <gtest/gtest.h>

#include "sandbox/api_routes.hpp"

namespace webhookd::sandbox {
namespace {

constexpr std::string_view kKey = "pp_test_key";

class SandboxApiRoutesTest : public ::testing::Test {
 protected:
  SandboxApiRoutesTest()
      : store_(11, [] { return int64_t{1702292162}; }),
        routes_(store_, faults_, stats_, ApiSettings{Secret(std::string(kKey)), ""}) {}

  ServerRequest Get(std::string target, bool authorized = true) {
    ServerRequest request;
    request.method = "GET";
    request.target = std::move(target);
    request.headers.Add("Host", "sandbox.test:8090");
    if (authorized) request.headers.Add("Authorization", "Bearer " + std::string(kKey));
    return request;
  }

  void SetFaults(const Faults& faults) { faults_.Set(faults); }

  EventStore store_;
  FaultPlan faults_;
  ApiStats stats_;
  ApiRoutes routes_;
};

TEST(SandboxApiRoute, ParsesPaths) {
  EXPECT_EQ(ParseApiRoute("/events").kind, ApiRoute::Kind::kEventList);
  EXPECT_EQ(ParseApiRoute("/events/").kind, ApiRoute::Kind::kEventList);
  const ApiRoute event = ParseApiRoute("/events/EVABC");
  EXPECT_EQ(event.kind, ApiRoute::Kind::kEvent);
  EXPECT_EQ(event.id, "EVABC");
  const ApiRoute mandate = ParseApiRoute("/mandates/MD1");
  EXPECT_EQ(mandate.kind, ApiRoute::Kind::kResource);
  EXPECT_EQ(mandate.resource, ResourceKind::kMandate);
  EXPECT_EQ(ParseApiRoute("/installment_plan_periods/IPP1").resource,
            ResourceKind::kInstallmentPlanPeriod);
  for (std::string_view path :
       {"/", "", "/nothing/X", "/events/EV1/extra", "/payments", "events"}) {
    EXPECT_EQ(ParseApiRoute(path).kind, ApiRoute::Kind::kNotFound) << path;
  }
}

TEST_F(SandboxApiRoutesTest, RefusesRequestsWithoutTheBearerKey) {
  EXPECT_EQ(routes_.Handle(Get("/events", false)).response.status, 401u);
  ServerRequest wrong = Get("/events", false);
  wrong.headers.Add("Authorization", "Bearer pp_other");
  EXPECT_EQ(routes_.Handle(wrong).response.status, 401u);
  ServerRequest basic = Get("/events", false);
  basic.headers.Add("Authorization", std::string(kKey));
  const ApiOutcome outcome = routes_.Handle(basic);
  EXPECT_EQ(outcome.response.status, 401u);
  EXPECT_EQ(outcome.response.body.find(kKey), std::string::npos);
  EXPECT_EQ(stats_.Snapshot().unauthorized, 3u);
}

TEST_F(SandboxApiRoutesTest, ServesEventsAndResources) {
  const auto events = store_.Create(ParseEventMix("payment.created").value(), 1);
  const ApiOutcome event = routes_.Handle(Get("/events/" + events[0]->id));
  EXPECT_EQ(event.response.status, 200u);
  EXPECT_EQ(event.response.content_type, "application/json");
  EXPECT_NE(event.response.body.find("\"self\":\"http://sandbox.test:8090/events/" + events[0]->id +
                                     "\""),
            std::string::npos)
      << event.response.body;
  EXPECT_EQ(routes_.Handle(Get("/payments/" + events[0]->resource_id)).response.status, 200u);
  EXPECT_EQ(routes_.Handle(Get("/customers/" + events[0]->resource_id)).response.status, 404u);
  const ApiOutcome missing = routes_.Handle(Get("/events/EVUNKNOWN"));
  EXPECT_EQ(missing.response.status, 404u);
  EXPECT_EQ(missing.response.body, R"({"error":{"message":"event not found"}})");
  EXPECT_EQ(routes_.Handle(Get("/webhooks/x")).response.status, 404u);
}

TEST_F(SandboxApiRoutesTest, CountsFetchesPerEventWhateverTheAnswer) {
  const auto events = store_.Create(ParseEventMix("payment.paid").value(), 1);
  routes_.Handle(Get("/events/" + events[0]->id));
  routes_.Handle(Get("/events/" + events[0]->id, false));
  routes_.Handle(Get("/events/EVNOTTHERE"));
  EXPECT_EQ(stats_.Fetches(events[0]->id), 2u);
  EXPECT_EQ(stats_.Fetches("EVNOTTHERE"), 1u);
  const ApiStatsSnapshot snapshot = stats_.Snapshot();
  EXPECT_EQ(snapshot.event_fetches, 3u);
  EXPECT_EQ(snapshot.answers.at(200), 1u);
  EXPECT_EQ(snapshot.answers.at(401), 1u);
  EXPECT_EQ(snapshot.answers.at(404), 1u);
}

TEST_F(SandboxApiRoutesTest, ListsWithLinksAndValidatesQuery) {
  store_.Create(ParseEventMix("mixed").value(), 15);
  const ApiOutcome first = routes_.Handle(Get("/events?limit=10"));
  ASSERT_EQ(first.response.status, 200u);
  const std::string& body = first.response.body;
  EXPECT_TRUE(body.starts_with("{\"type\":\"list\",\"data\":[{")) << body;
  EXPECT_NE(body.find("\"count\":10,"), std::string::npos);
  EXPECT_NE(body.find("\"self\":\"http://sandbox.test:8090/events?limit=10\""), std::string::npos);
  const size_t next = body.find("\"next\":\"http://sandbox.test:8090/events?limit=10&cursor=");
  ASSERT_NE(next, std::string::npos) << body;
  EXPECT_EQ(body.find("\"prev\""), std::string::npos);
  EXPECT_EQ(stats_.Snapshot().list_requests, 1u);

  EXPECT_NE(routes_.Handle(Get("/events")).response.body.find("\"count\":10,"), std::string::npos);
  EXPECT_EQ(routes_.Handle(Get("/events?limit=0")).response.status, 400u);
  EXPECT_EQ(routes_.Handle(Get("/events?limit=101")).response.status, 400u);
  EXPECT_EQ(routes_.Handle(Get("/events?limit=ten")).response.status, 400u);
  EXPECT_EQ(routes_.Handle(Get("/events?cursor=%%%")).response.status, 400u);
  EXPECT_EQ(routes_.Handle(Get("/events?cursor=bjo5OTk5")).response.status, 400u);  // n:9999
}

TEST_F(SandboxApiRoutesTest, FaultsShapeTheAnswer) {
  Faults faults;
  faults.error_rate = 1.0;
  SetFaults(faults);
  EXPECT_EQ(routes_.Handle(Get("/events")).response.status, 500u);

  faults = Faults{};
  faults.rate_limit_rate = 1.0;
  faults.retry_after_s = 3;
  SetFaults(faults);
  const ApiOutcome limited = routes_.Handle(Get("/events"));
  EXPECT_EQ(limited.response.status, 429u);
  EXPECT_EQ(limited.response.headers.Get("Retry-After"), "3");

  faults = Faults{};
  faults.timeout_rate = 1.0;
  SetFaults(faults);
  EXPECT_TRUE(routes_.Handle(Get("/events")).hang);
  EXPECT_EQ(stats_.Snapshot().timeouts, 1u);

  faults = Faults{};
  faults.down = true;
  SetFaults(faults);
  EXPECT_EQ(routes_.Handle(Get("/events", false)).response.status, 503u);

  faults = Faults{};
  faults.latency_ms = 30;
  faults.list_latency_ms = 20;
  SetFaults(faults);
  EXPECT_EQ(routes_.Handle(Get("/events")).delay, std::chrono::milliseconds(50));
  EXPECT_EQ(routes_.Handle(Get("/events/EVX")).delay, std::chrono::milliseconds(30));
}

TEST_F(SandboxApiRoutesTest, OnlyGetIsAllowed) {
  ServerRequest post = Get("/events");
  post.method = "POST";
  EXPECT_EQ(routes_.Handle(post).response.status, 405u);
}

TEST_F(SandboxApiRoutesTest, PublicUrlOverridesTheHostHeader) {
  ApiRoutes routes(store_, faults_, stats_,
                   ApiSettings{Secret(std::string(kKey)), "https://api.paypro.nl/"});
  const auto events = store_.Create(ParseEventMix("payment.paid").value(), 1);
  const ApiOutcome outcome = routes.Handle(Get("/events/" + events[0]->id));
  EXPECT_NE(
      outcome.response.body.find("\"self\":\"https://api.paypro.nl/events/" + events[0]->id + "\""),
      std::string::npos)
      << outcome.response.body;
}

TEST_F(SandboxApiRoutesTest, HostileHostHeaderCannotBreakTheJson) {
  const auto events = store_.Create(ParseEventMix("payment.paid").value(), 1);
  ServerRequest request = Get("/events/" + events[0]->id);
  request.headers = HttpHeaders();
  request.headers.Add("Host", "evil\",\"x\":\"");
  request.headers.Add("Authorization", "Bearer " + std::string(kKey));
  const ApiOutcome outcome = routes_.Handle(request);
  EXPECT_NE(outcome.response.body.find("http://evil\\\",\\\"x\\\":\\\"/events/"), std::string::npos)
      << outcome.response.body;
}

}  // namespace
}  // namespace webhookd::sandbox
