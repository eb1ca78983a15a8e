// Tests for classifying PayPro's answers to GET /events/{id}, and the request PayProApi sends.
#include "paypro/api_client.hpp"

#include <gtest/gtest.h>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>

#include <mutex>
#include <string>
#include <thread>

#include "core/http_server.hpp"
#include "tests/support/test_data.hpp"

namespace webhookd {
namespace {

using testing::ReadSampleEvent;
using std::chrono::seconds;

ClientResponse Answer(unsigned status, std::string body = {}) {
  ClientResponse response;
  response.status = status;
  response.headers.Add("Content-Type", "application/json");
  response.body = std::move(body);
  return response;
}

TEST(ClassifyEventFetch, Status200IsFoundWithTheBody) {
  const std::string body = ReadSampleEvent("payment.paid.json");
  const EventFetch fetch = ClassifyEventFetch(Answer(200, body));
  EXPECT_EQ(fetch.verdict, FetchVerdict::kFound);
  EXPECT_EQ(fetch.status, 200u);
  EXPECT_EQ(fetch.body, body);
  EXPECT_FALSE(fetch.retry_after.has_value());
}

TEST(ClassifyEventFetch, Status404IsNotFound) {
  const EventFetch fetch = ClassifyEventFetch(Answer(404, R"({"error":"not found"})"));
  EXPECT_EQ(fetch.verdict, FetchVerdict::kNotFound);
  EXPECT_EQ(fetch.status, 404u);
  EXPECT_EQ(fetch.detail, "PayPro does not know this event (404)");
  EXPECT_EQ(fetch.body, "");
}

TEST(ClassifyEventFetch, Status401And403AreAuthFailures) {
  for (const unsigned status : {401u, 403u}) {
    const EventFetch fetch = ClassifyEventFetch(Answer(status, R"({"error":"unauthorized"})"));
    EXPECT_EQ(fetch.verdict, FetchVerdict::kAuthFailed) << status;
    EXPECT_EQ(fetch.status, status);
    EXPECT_EQ(fetch.detail,
              "PayPro refused our API key (" + std::to_string(status) + "): check paypro.api_key");
    EXPECT_EQ(fetch.body, "");
  }
}

TEST(ClassifyEventFetch, Status429RetriesWithRetryAfter) {
  ClientResponse response = Answer(429);
  response.headers.Add("Retry-After", "30");
  const EventFetch fetch = ClassifyEventFetch(std::move(response));
  EXPECT_EQ(fetch.verdict, FetchVerdict::kRetry);
  EXPECT_EQ(fetch.status, 429u);
  EXPECT_EQ(fetch.retry_after, seconds(30));
  EXPECT_EQ(fetch.detail, "PayPro answered 429");
}

TEST(ClassifyEventFetch, MalformedRetryAfterIsIgnored) {
  for (const std::string_view value : {"Wed, 21 Oct 2015 07:28:00 GMT", "-5", "", "1.5", "30s"}) {
    ClientResponse response = Answer(429);
    response.headers.Add("Retry-After", std::string(value));
    const EventFetch fetch = ClassifyEventFetch(std::move(response));
    EXPECT_EQ(fetch.verdict, FetchVerdict::kRetry);
    EXPECT_FALSE(fetch.retry_after.has_value()) << value;
  }
}

TEST(ClassifyEventFetch, ServerErrorsRetry) {
  for (const unsigned status : {500u, 502u, 503u, 504u}) {
    ClientResponse response = Answer(status, "<html>down</html>");
    if (status == 503) response.headers.Add("retry-after", "120");
    const EventFetch fetch = ClassifyEventFetch(std::move(response));
    EXPECT_EQ(fetch.verdict, FetchVerdict::kRetry) << status;
    EXPECT_EQ(fetch.status, status);
    EXPECT_EQ(fetch.detail, "PayPro answered " + std::to_string(status));
    EXPECT_EQ(fetch.body, "");
    if (status == 503) {
      EXPECT_EQ(fetch.retry_after, seconds(120));
    } else {
      EXPECT_FALSE(fetch.retry_after.has_value());
    }
  }
}

TEST(ClassifyEventFetch, UnexpectedStatusesRetry) {
  for (const unsigned status : {201u, 204u, 301u, 302u, 400u, 410u}) {
    ClientResponse response = Answer(status);
    response.headers.Add("Location", "https://elsewhere.example/events/EVAAAA1111");
    const EventFetch fetch = ClassifyEventFetch(std::move(response));
    EXPECT_EQ(fetch.verdict, FetchVerdict::kRetry) << status;
    EXPECT_EQ(fetch.detail, "PayPro answered " + std::to_string(status));
  }
}

TEST(ClassifyEventFetch, TransportErrorsRetryWithoutStatus) {
  for (const ErrorCode code : {ErrorCode::kUnavailable, ErrorCode::kTimeout, ErrorCode::kUpstream}) {
    const EventFetch fetch =
        ClassifyEventFetch(MakeError(code, "connection failed", "connecting to https://api.paypro.nl: refused"));
    EXPECT_EQ(fetch.verdict, FetchVerdict::kRetry);
    EXPECT_EQ(fetch.status, 0u);
    EXPECT_EQ(fetch.detail, "connecting to https://api.paypro.nl: refused");
    EXPECT_EQ(fetch.body, "");
    EXPECT_FALSE(fetch.retry_after.has_value());
  }
}

// One real exchange over loopback: the path and the headers PayPro needs.
TEST(PayProApi, FetchEventSendsBearerKeyToEventsPath) {
  boost::asio::io_context ioc;
  auto guard = boost::asio::make_work_guard(ioc);
  std::mutex mutex;
  ServerRequest seen;
  HttpServerOptions options;
  options.listen = HostPort{"127.0.0.1", 0};
  HttpServer server(ioc, options, [&](ServerRequest request, Responder respond) {
    {
      std::lock_guard lock(mutex);
      seen = request;
    }
    ServerResponse response;
    response.body = ReadSampleEvent("payment.paid.json");
    respond(std::move(response));
  });
  ASSERT_TRUE(server.Start().ok());
  std::thread io_thread([&] { ioc.run(); });

  PayProConfig config;
  config.api_base = *ParseUrl("http://127.0.0.1:" + std::to_string(server.port()) + "/v1/");
  config.api_key = Secret("pk_test_123");
  config.request_timeout = std::chrono::milliseconds(2000);
  PayProApi api(config);
  const EventFetch fetch = api.FetchEvent("EVYK7KCFJAXA23UKSG");

  server.StopAccepting();
  guard.reset();
  ioc.stop();
  io_thread.join();

  EXPECT_EQ(fetch.verdict, FetchVerdict::kFound) << fetch.detail;
  EXPECT_EQ(fetch.body, ReadSampleEvent("payment.paid.json"));
  std::lock_guard lock(mutex);
  EXPECT_EQ(seen.method, "GET");
  EXPECT_EQ(seen.target, "/v1/events/EVYK7KCFJAXA23UKSG");
  EXPECT_EQ(seen.headers.Get("Authorization"), "Bearer pk_test_123");
  EXPECT_EQ(seen.headers.Get("Accept"), "application/json");
}

}  // namespace
}  // namespace webhookd
