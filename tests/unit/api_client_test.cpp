// Tests for classifying PayPro's answers to GET /events/{id}, and the request PayProApi sends.
#include "paypro/api_client.hpp"

#include <gtest/gtest.h>

#include <algorithm>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>

#include <mutex>
#include <optional>
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

// A loopback server answering every call with `answer`; records what it saw.
class FakePayPro {
 public:
  explicit FakePayPro(std::function<ServerResponse()> answer) {
    HttpServerOptions options;
    options.listen = HostPort{"127.0.0.1", 0};
    server_.emplace(ioc_, options, [this, answer = std::move(answer)](ServerRequest request, Responder respond) {
      {
        std::lock_guard lock(mutex_);
        seen_.push_back(std::move(request));
      }
      respond(answer());
    });
    started_ = server_->Start().ok();
    io_thread_ = std::thread([this] { ioc_.run(); });
  }
  ~FakePayPro() {
    server_->StopAccepting();
    guard_.reset();
    ioc_.stop();
    io_thread_.join();
  }

  bool started() const { return started_; }

  PayProConfig Config() const {
    PayProConfig config;
    config.api_base = *ParseUrl("http://127.0.0.1:" + std::to_string(server_->port()) + "/v1/");
    config.api_key = Secret("pk_test_123");
    config.request_timeout = std::chrono::milliseconds(2000);
    return config;
  }

  std::vector<ServerRequest> Seen() {
    std::lock_guard lock(mutex_);
    return seen_;
  }

 private:
  boost::asio::io_context ioc_;
  std::optional<boost::asio::executor_work_guard<boost::asio::io_context::executor_type>> guard_{
      boost::asio::make_work_guard(ioc_)};
  std::optional<HttpServer> server_;
  std::thread io_thread_;
  bool started_ = false;
  std::mutex mutex_;
  std::vector<ServerRequest> seen_;
};

const PayProApi::Proceed kAlwaysProceed = [](unsigned, std::optional<std::chrono::seconds>) { return true; };

// Real exchanges over loopback: the path and the headers PayPro needs, and
// the answers in the order of the ids asked for.
TEST(PayProApi, FetchEventsSendsBearerKeyToEventsPaths) {
  FakePayPro paypro([] {
    ServerResponse response;
    response.body = ReadSampleEvent("payment.paid.json");
    return response;
  });
  ASSERT_TRUE(paypro.started());
  PayProApi api(paypro.Config());
  const std::vector<std::string> ids{"EVYK7KCFJAXA23UKSG", "EVAAAAAAAAAAAAAAA2", "EVAAAAAAAAAAAAAAA3"};
  const std::vector<std::optional<EventFetch>> fetches = api.FetchEvents(ids, 2, kAlwaysProceed);

  ASSERT_EQ(fetches.size(), 3u);
  for (const std::optional<EventFetch>& fetch : fetches) {
    ASSERT_TRUE(fetch.has_value());
    EXPECT_EQ(fetch->verdict, FetchVerdict::kFound) << fetch->detail;
    EXPECT_EQ(fetch->body, ReadSampleEvent("payment.paid.json"));
  }
  std::vector<std::string> targets;
  for (const ServerRequest& seen : paypro.Seen()) {
    targets.push_back(seen.target);
    EXPECT_EQ(seen.method, "GET");
    EXPECT_EQ(seen.headers.Get("Authorization"), "Bearer pk_test_123");
    EXPECT_EQ(seen.headers.Get("Accept"), "application/json");
  }
  std::sort(targets.begin(), targets.end());
  EXPECT_EQ(targets, (std::vector<std::string>{"/v1/events/EVAAAAAAAAAAAAAAA2", "/v1/events/EVAAAAAAAAAAAAAAA3",
                                               "/v1/events/EVYK7KCFJAXA23UKSG"}));
}

// PayPro's 429 with Retry-After asks every caller to wait: the calls of the
// round not yet made are not made.
TEST(PayProApi, FetchEventsMakesNoMoreCallsOnceToldToStop) {
  FakePayPro paypro([] {
    ServerResponse response;
    response.status = 429;
    response.headers.Add("Retry-After", "5");
    return response;
  });
  ASSERT_TRUE(paypro.started());
  PayProApi api(paypro.Config());
  std::vector<std::pair<unsigned, std::optional<std::chrono::seconds>>> told;
  const std::vector<std::optional<EventFetch>> fetches =
      api.FetchEvents({"EVAAAAAAAAAAAAAAA1", "EVAAAAAAAAAAAAAAA2", "EVAAAAAAAAAAAAAAA3"}, 1,
                      [&](unsigned status, std::optional<std::chrono::seconds> retry_after) {
                        told.emplace_back(status, retry_after);
                        return status != 429;
                      });

  ASSERT_EQ(fetches.size(), 3u);
  ASSERT_TRUE(fetches[0].has_value());
  EXPECT_EQ(fetches[0]->verdict, FetchVerdict::kRetry);
  EXPECT_EQ(fetches[0]->retry_after, std::chrono::seconds(5));
  EXPECT_FALSE(fetches[1].has_value());
  EXPECT_FALSE(fetches[2].has_value());
  EXPECT_EQ(paypro.Seen().size(), 1u);
  ASSERT_EQ(told.size(), 1u);
  EXPECT_EQ(told[0].first, 429u);
  EXPECT_EQ(told[0].second, std::chrono::seconds(5));
}

}  // namespace
}  // namespace webhookd
