// End to end: hostile and malformed calls to the webhook listener, each with its answer and no
// trace.
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <functional>
#include <iterator>
#include <thread>

#include "tests/support/harness.hpp"
#include "tests/support/process_descriptors.hpp"
#include "tests/support/raw_connection.hpp"
#include "tests/support/raw_requests.hpp"
#include "tests/support/test_database.hpp"

namespace webhookd::testing {
namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

// The read deadline configured for this daemon, how late a deadline close may
// be, and how fast an ordinary answer must come: well under the deadline, so
// an answer that only came when the deadline fired counts as a failure.
constexpr milliseconds kReadTimeout{3000};
constexpr milliseconds kDeadlineMargin{1000};
constexpr milliseconds kQuick{1500};
constexpr int kIdleConnections = 2000;

// How a case is played on its own connection.
enum class Mode {
  kHalfClose,      // one write, then a half-close: the daemon closes after its answers
  kKeepOpen,       // one write; the daemon must close by itself, and quickly
  kUntilDeadline,  // one write; nothing more comes, so the read deadline must close it
  kSlowloris,      // one byte a second; the read deadline must close it
};

// A row of the table: the request is built when the case runs, so that
// "now" in its timestamp is fresh.
struct HostileCase {
  std::string name;
  std::string expected;  // see Transcript(): the statuses in order, then "closed"
  Mode mode;
  std::function<std::string()> request;
};

struct Exchange {
  std::string transcript;
  milliseconds elapsed{};  // from connect to the end of the transcript
  std::string received;    // every byte the daemon sent
};

milliseconds Since(Clock::time_point start) {
  return std::chrono::duration_cast<milliseconds>(Clock::now() - start);
}

Exchange Play(uint16_t port, Mode mode, const std::string& request) {
  const auto start = Clock::now();
  RawConnection connection(port);
  if (!connection.connected()) return {"connect failed", Since(start), ""};
  std::string transcript;
  if (mode == Mode::kSlowloris) {
    for (char byte : request) {
      if (!connection.Send(std::string_view(&byte, 1))) break;
      if (auto answer = connection.ReadResponse(milliseconds(1000)))
        transcript += fmt::format("{} ", answer->status);
      if (connection.closed() || Since(start) > 3 * kReadTimeout) break;
    }
  } else {
    connection.Send(request);
    if (mode == Mode::kHalfClose) connection.CloseWrite();
  }
  transcript += Transcript(connection, kReadTimeout + kDeadlineMargin);
  return {std::move(transcript), Since(start), connection.received()};
}

std::string Post(const std::vector<std::string>& headers, std::string_view body) {
  return RawRequest(fmt::format("POST {} HTTP/1.1", kWebhookPath), headers, body);
}

// A POST of `body` with the PayPro headers for `stamp` and `signature`, then `extra`.
std::string Call(std::string_view body, const std::string& stamp, const std::string& signature,
                 const std::vector<std::string>& extra = {}) {
  auto headers = PayProHeaders(stamp, signature);
  headers.insert(headers.end(), extra.begin(), extra.end());
  return Post(headers, body);
}

// A request built when the case plays, around the Unix time then, as text.
std::function<std::string()> AtNow(std::function<std::string(const std::string& now)> build) {
  return [build] { return build(std::to_string(NowSeconds())); };
}

std::vector<HostileCase> SignatureCases(const std::string& event, const std::string& id) {
  // `bend` turns the right signature into the one sent.
  const auto bent = [event](std::function<std::string(std::string)> bend) {
    return AtNow(
        [event, bend](const std::string& now) { return Call(event, now, bend(Sign(now, event))); });
  };
  std::string tampered = event;
  tampered[tampered.find(id) + id.size() - 1] = id.back() == 'Z' ? 'Y' : 'Z';
  return {
      {"tampered body: id changed after signing", "401 closed", Mode::kHalfClose,
       AtNow([event, tampered](const std::string& now) {
         return Call(tampered, now, Sign(now, event));
       })},
      {"signature made with another secret", "401 closed", Mode::kHalfClose,
       AtNow([event](const std::string& now) {
         return Call(event, now, Sign(now, event, "whsec_another_secret"));
       })},
      {"empty signature", "401 closed", Mode::kHalfClose,
       bent([](std::string) { return std::string(); })},
      {"one-character signature", "401 closed", Mode::kHalfClose,
       bent([](std::string right) { return right.substr(0, 1); })},
      {"half a signature", "401 closed", Mode::kHalfClose,
       bent([](std::string right) { return right.substr(0, 32); })},
      {"signature one character short", "401 closed", Mode::kHalfClose,
       bent([](std::string right) { return right.substr(0, 63); })},
      {"uppercase hex signature", "401 closed", Mode::kHalfClose, bent([](std::string right) {
         for (char& c : right) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
         return right;
       })},
      {"over-long signature: the right one plus 00", "401 closed", Mode::kHalfClose,
       bent([](std::string right) { return right + "00"; })},
      {"sha256= prefixed signature", "401 closed", Mode::kHalfClose,
       bent([](std::string right) { return "sha256=" + right; })},
      {"no signature header", "401 closed", Mode::kHalfClose,
       AtNow([event](const std::string& now) {
         return Post({"Host: x", "PayPro-Timestamp: " + now}, event);
       })},
      {"signature header twice, both right", "400 closed", Mode::kHalfClose,
       AtNow([event](const std::string& now) {
         return Call(event, now, Sign(now, event), {"PayPro-Signature: " + Sign(now, event)});
       })},
      {"signature header twice, second wrong", "400 closed", Mode::kHalfClose,
       AtNow([event](const std::string& now) {
         return Call(event, now, Sign(now, event), {"PayPro-Signature: " + std::string(64, '0')});
       })},
  };
}

std::vector<HostileCase> TimestampCases(const std::string& event) {
  // The signature is made over the bent timestamp, so only the timestamp is wrong.
  const auto bent = [event](std::function<std::string(const std::string& now)> bend) {
    return AtNow([event, bend](const std::string& now) {
      const std::string stamp = bend(now);
      return Call(event, stamp, Sign(stamp, event));
    });
  };
  const auto signed_at = [event](int64_t offset_s) {
    return [event, offset_s] { return SignedCall(event, NowSeconds() + offset_s); };
  };
  const auto text = [](std::string stamp) { return [stamp](const std::string&) { return stamp; }; };
  return {
      {"no timestamp header", "400 closed", Mode::kHalfClose,
       [event] {
         return Post({"Host: x", "PayPro-Signature: " + Sign("", event)}, event);
       }},
      {"empty timestamp", "400 closed", Mode::kHalfClose, bent(text(""))},
      {"timestamp 601 s old", "401 closed", Mode::kHalfClose, signed_at(-601)},
      {"timestamp 601 s in the future", "401 closed", Mode::kHalfClose, signed_at(601)},
      {"non-numeric timestamp", "400 closed", Mode::kHalfClose, bent(text("12ab"))},
      {"negative timestamp", "400 closed", Mode::kHalfClose,
       bent([](const std::string& now) { return "-" + now; })},
      {"timestamp with a plus sign", "400 closed", Mode::kHalfClose,
       bent([](const std::string& now) { return "+" + now; })},
      {"fractional timestamp", "400 closed", Mode::kHalfClose,
       bent([](const std::string& now) { return now + ".5"; })},
      {"huge timestamp within 64 bits", "401 closed", Mode::kHalfClose,
       bent(text("9223372036854775807"))},
      {"timestamp beyond 64 bits", "400 closed", Mode::kHalfClose,
       bent(text("99999999999999999999999"))},
      {"timestamp in milliseconds", "401 closed", Mode::kHalfClose,
       bent([](const std::string& now) { return now + "000"; })},
      {"timestamp header twice, same value", "400 closed", Mode::kHalfClose,
       AtNow([event](const std::string& now) {
         return Call(event, now, Sign(now, event), {"PayPro-Timestamp: " + now});
       })},
      {"timestamp header twice, other value", "400 closed", Mode::kHalfClose,
       AtNow([event](const std::string& now) {
         return Call(event, now, Sign(now, event), {"PayPro-Timestamp: 1"});
       })},
      {"valid call replayed after the tolerance (signed 700 s ago)", "401 closed", Mode::kHalfClose,
       signed_at(-700)},
      {"replayed signature under a fresh timestamp", "401 closed", Mode::kHalfClose,
       AtNow([event](const std::string& now) {
         return Call(event, now, Sign(std::to_string(std::stoll(now) - 700), event));
       })},
  };
}

std::vector<HostileCase> FramingCases(const std::string& event) {
  const std::string big = R"({"id":"EVBIGBODY0001","pad":")" + std::string(70000, 'x') + "\"}";
  const auto post = [](std::vector<std::string> headers, std::string_view body) {
    headers.insert(headers.begin(), "Host: x");
    return RawRequest(fmt::format("POST {} HTTP/1.1", kWebhookPath), headers, body, false);
  };
  std::vector<std::string> many_headers;
  for (int i = 0; i < 5000; ++i) many_headers.push_back(fmt::format("X-Flood-{}: a", i));
  std::vector<std::string> some_headers(many_headers.begin(), many_headers.begin() + 500);
  return {
      {"body over 64 KiB with Content-Length", "413 closed", Mode::kKeepOpen,
       [big] { return SignedCall(big, NowSeconds()); }},
      {"Content-Length of a terabyte, no body", "413 closed", Mode::kKeepOpen,
       [post] { return post({"Content-Length: 1000000000000"}, ""); }},
      {"body over 64 KiB without Content-Length: no body, then junk", "401 400 closed",
       Mode::kKeepOpen,
       [post, big] {
         const std::string now = std::to_string(NowSeconds());
         return post({"PayPro-Timestamp: " + now, "PayPro-Signature: " + Sign(now, big)}, big);
       }},
      {"chunked body over 64 KiB", "413 closed", Mode::kKeepOpen,
       [post, big] { return post({"Transfer-Encoding: chunked"}, Chunked(big, 8192)); }},
      {"Content-Length larger than the body sent", "closed", Mode::kUntilDeadline,
       [post, event] {
         return post({"Content-Length: " + std::to_string(event.size() + 100)}, event);
       }},
      {"two different Content-Length headers", "400 closed", Mode::kKeepOpen,
       [post, event] {
         return post({"Content-Length: " + std::to_string(event.size()), "Content-Length: 5"},
                     event);
       }},
      {"Content-Length and chunked together", "400 closed", Mode::kKeepOpen,
       [post, event] {
         return post(
             {"Content-Length: " + std::to_string(event.size()), "Transfer-Encoding: chunked"},
             Chunked(event, 64));
       }},
      {"negative Content-Length", "400 closed", Mode::kKeepOpen,
       [post, event] { return post({"Content-Length: -1"}, event); }},
      {"Transfer-Encoding gzip, body read as the next request", "400 closed", Mode::kKeepOpen,
       AtNow([event](const std::string& now) {
         return Call(event, now, Sign(now, event), {"Transfer-Encoding: gzip"});
       })},
      {"Transfer-Encoding chunked then gzip", "400 closed", Mode::kKeepOpen,
       [post, event] { return post({"Transfer-Encoding: chunked, gzip"}, Chunked(event, 64)); }},
      {"one 64 KiB header", "431 closed", Mode::kKeepOpen, AtNow([event](const std::string& now) {
         return Call(event, now, Sign(now, event), {"X-Big: " + std::string(65536, 'b')});
       })},
      {"5,000 headers", "431 closed", Mode::kKeepOpen,
       AtNow([event, many_headers](const std::string& now) {
         return Call(event, now, "00", many_headers);
       })},
      {"500 small headers, under the limit, bad signature", "401 closed", Mode::kHalfClose,
       AtNow([event, some_headers](const std::string& now) {
         return Call(event, now, "00", some_headers);
       })},
      {"header line without a colon", "400 closed", Mode::kKeepOpen,
       [post, event] { return post({"NoColonHere"}, event); }},
      {"control character in a header value", "400 closed", Mode::kKeepOpen,
       [post, event] { return post({std::string("X-Bad: a\x01z")}, event); }},
      {"garbage request line", "400 closed", Mode::kKeepOpen,
       [] { return std::string("{\"id\":\"EVAAAA1111\"}\r\n\r\n"); }},
      {"HTTP/2 connection preface", "400 closed", Mode::kKeepOpen,
       [] { return std::string("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"); }},
      {"HTTP/1.1 without Host", "400 closed", Mode::kKeepOpen,
       [event] {
         const std::string now = std::to_string(NowSeconds());
         std::vector<std::string> headers = PayProHeaders(now, Sign(now, event));
         headers.erase(headers.begin());
         return RawRequest(fmt::format("POST {} HTTP/1.1", kWebhookPath), headers, event);
       }},
      {"two Host headers", "400 closed", Mode::kKeepOpen,
       [post, event] {
         const std::string now = std::to_string(NowSeconds());
         return post({"Host: y", "PayPro-Timestamp: " + now, "PayPro-Signature: " + Sign(now, event)}, event);
       }},
      {"HTTP/1.0 without Host, bad signature", "401 closed", Mode::kKeepOpen,
       [event] {
         const std::string headers = "PayPro-Timestamp: " + std::to_string(NowSeconds());
         return RawRequest(fmt::format("POST {} HTTP/1.0", kWebhookPath),
                           {headers, "PayPro-Signature: 00"}, event);
       }},
      {"slowloris: one byte a second", "closed", Mode::kSlowloris,
       [event] { return SignedCall(event, NowSeconds()); }},
  };
}

std::vector<HostileCase> BodyCases() {
  const auto signed_body = [](std::string body) {
    return [body] { return SignedCall(body, NowSeconds()); };
  };
  const std::string deep_array = std::string(10000, '[') + std::string(10000, ']');
  std::string deep_object = R"({"id":"EVDEEP00000001","deep":)";
  for (int i = 0; i < 10000; ++i) deep_object += R"({"a":)";
  deep_object += "1" + std::string(10001, '}');
  return {
      {"body that is not JSON", "400 closed", Mode::kHalfClose, signed_body("{not json")},
      {"empty body", "400 closed", Mode::kHalfClose, signed_body("")},
      {"JSON null", "400 closed", Mode::kHalfClose, signed_body("null")},
      {"JSON array", "400 closed", Mode::kHalfClose, signed_body(R"(["EVAAAA1111"])")},
      {"JSON string", "400 closed", Mode::kHalfClose, signed_body(R"("EVAAAA1111")")},
      {"array nested 10,000 levels", "400 closed", Mode::kHalfClose, signed_body(deep_array)},
      {"object nested 10,000 levels beside a valid id", "400 closed", Mode::kHalfClose,
       signed_body(deep_object)},
      {"duplicate id", "400 closed", Mode::kHalfClose,
       signed_body(R"({"id":"EVAAAA1111","id":"EVBBBB2222"})")},
      {"numeric id", "400 closed", Mode::kHalfClose, signed_body(R"({"id":12345678})")},
      {"no id", "400 closed", Mode::kHalfClose,
       signed_body(R"({"ID":"EVAAAA1111","event_type":"payment.paid"})")},
      {"event_type that is not a string", "400 closed", Mode::kHalfClose,
       signed_body(R"({"id":"EVAAAA1111","event_type":["payment.paid"]})")},
      {"invalid UTF-8 in a string", "400 closed", Mode::kHalfClose,
       signed_body("{\"id\":\"EVAAAA1111\",\"note\":\"\xC3\x28\"}")},
      {"invalid UTF-8 in the id", "400 closed", Mode::kHalfClose,
       signed_body("{\"id\":\"EVAAAA\xFF\x31\x31\"}")},
      {"trailing bytes after the object", "400 closed", Mode::kHalfClose,
       signed_body(R"({"id":"EVAAAA1111"} {})")},
  };
}

std::vector<HostileCase> EventIdCases() {
  const std::vector<std::pair<std::string, std::string>> ids = {
      {"with /", R"("EVAB/CD1234")"},
      {"with ..", R"("EV..AB1234")"},
      {"with %2F", R"("EVAB%2FCD12")"},
      {"with ?", R"("EVAB?CD1234")"},
      {"with #", R"("EVAB#CD1234")"},
      {"with a space", R"("EVAB CD1234")"},
      {"all in lowercase", R"("evabcd1234")"},
      {"with lowercase letters after EV", R"("EVabcd1234")"},
      {"of EV and 65 characters", "\"EV" + std::string(65, 'A') + "\""},
      {"with an escaped slash", R"("EVAB\u002FCD12")"},
      {"with an escaped NUL", R"("EVAB\u0000CD12")"},
      {"with an overlong UTF-8 slash",
       "\"EVAB\xC0\xAF"
       "CD12\""},
      {"without the EV prefix", R"("PPABCD1234")"},
      {"too short", R"("EV12")"},
      {"empty", R"("")"},
  };
  std::vector<HostileCase> cases;
  for (const auto& [what, id] : ids) {
    const std::string body = EventWithId(id);
    cases.push_back({"event id " + what, "400 closed", Mode::kHalfClose,
                     [body] { return SignedCall(body, NowSeconds()); }});
  }
  return cases;
}

std::vector<HostileCase> RoutingCases(const std::string& event) {
  const auto to = [event](std::string method, std::string target) {
    return [event, method, target] {
      const std::string now = std::to_string(NowSeconds());
      return RawRequest(fmt::format("{} {} HTTP/1.1", method, target),
                        PayProHeaders(now, Sign(now, event)), event);
    };
  };
  return {
      {"other path", "404 closed", Mode::kHalfClose, to("POST", "/webhooks/other")},
      {"path with a trailing slash", "404 closed", Mode::kHalfClose,
       to("POST", "/webhooks/paypro/")},
      {"path in upper case", "404 closed", Mode::kHalfClose, to("POST", "/WEBHOOKS/PAYPRO")},
      {"path with dot segments", "404 closed", Mode::kHalfClose,
       to("POST", "/webhooks/x/../paypro")},
      {"GET", "405 closed", Mode::kHalfClose, to("GET", "/webhooks/paypro")},
      {"PUT", "405 closed", Mode::kHalfClose, to("PUT", "/webhooks/paypro")},
      {"DELETE", "405 closed", Mode::kHalfClose, to("DELETE", "/webhooks/paypro")},
      {"PATCH", "405 closed", Mode::kHalfClose, to("PATCH", "/webhooks/paypro")},
  };
}

std::vector<HostileCase> RefusedCases(const std::string& event, const std::string& id) {
  std::vector<HostileCase> cases;
  for (auto group : {SignatureCases(event, id), TimestampCases(event), FramingCases(event),
                     BodyCases(), EventIdCases(), RoutingCases(event)}) {
    std::move(group.begin(), group.end(), std::back_inserter(cases));
  }
  return cases;
}

int64_t ApiRequests(Sandbox& sandbox) {
  return JsonInt(sandbox.Get("/_sandbox/stats").body, "api_requests");
}

// Waits until PayPro's copy of `id` was handled: verified, dispatched once, processed.
void ExpectProcessedOnce(Daemon& daemon, const TestDatabase& database, const std::string& id) {
  EXPECT_TRUE(
      Eventually([&] { return database.EventState(id) == "processed"; }, std::chrono::seconds(15)))
      << id << " is " << database.EventState(id);
  EXPECT_TRUE(Eventually([&] { return daemon.Dispatches(id) == 1; }, std::chrono::seconds(5)))
      << id;
  EXPECT_EQ(database.Scalar("SELECT count(*) FROM paypro_events WHERE event_id = '" + id + "'"),
            "1")
      << id;
}

// What must hold after any amount of abuse: alive, healthy, still doing its
// job, and nothing it printed gives a secret away.
void ExpectStillServing(Daemon& daemon, Sandbox& sandbox, const TestDatabase& database) {
  ASSERT_TRUE(daemon.process().running()) << daemon.Output();
  EXPECT_EQ(daemon.AdminGet("/healthz").status, 200u);
  const std::string event = sandbox.CreateEvents(1).front();
  EXPECT_EQ(daemon.PostSigned(event).status, 200u);
  ExpectProcessedOnce(daemon, database, JsonString(event, "id"));
  EXPECT_EQ(daemon.Output().find(kWebhookSecret), std::string::npos);
  EXPECT_EQ(daemon.Output().find(kApiKey), std::string::npos);
}

DaemonOptions ShortDeadlineOptions(const TestDatabase& database, const Sandbox& sandbox) {
  DaemonOptions options{database.url(), sandbox.url()};
  options.read_timeout_ms = static_cast<int>(kReadTimeout.count());
  return options;
}

// Thousands of connections that never send a byte must neither starve a
// real call nor outlive the read deadline.
void ExpectIdleConnectionsDoNotStarveOthers(Daemon& daemon, const std::string& event) {
  constexpr rlim_t kNeeded = kIdleConnections + 200;
  RaiseOwnDescriptorLimit(kNeeded);
  ASSERT_GE(DescriptorLimit(getpid()), static_cast<long>(kNeeded))
      << "raise the hard RLIMIT_NOFILE of the test";
  ASSERT_GE(DescriptorLimit(daemon.process().pid()), static_cast<long>(kNeeded))
      << "the daemon's RLIMIT_NOFILE";
  std::vector<RawConnection> idle;
  idle.reserve(kIdleConnections);
  for (int i = 0; i < kIdleConnections; ++i) {
    idle.emplace_back(daemon.port());
    ASSERT_TRUE(idle.back().connected()) << "idle connection " << i;
  }
  const auto opened = Clock::now();
  const Exchange call = Play(daemon.port(), Mode::kHalfClose, SignedCall(event, NowSeconds()));
  EXPECT_EQ(call.transcript, "200 closed");
  EXPECT_LT(call.elapsed, kQuick) << "a real call waited behind idle connections";
  EXPECT_EQ(daemon.AdminGet("/healthz").status, 200u);
  EXPECT_GE(OpenDescriptors(daemon.process().pid()), kIdleConnections)
      << "the daemon did not accept them";
  int closed = 0;
  for (RawConnection& connection : idle) {
    const auto left = std::chrono::duration_cast<milliseconds>(opened + kReadTimeout +
                                                               kDeadlineMargin - Clock::now());
    closed += connection.WaitClosed(std::max(left, milliseconds(0))) ? 1 : 0;
  }
  EXPECT_EQ(closed, kIdleConnections) << "idle connections outlived the read deadline";
  EXPECT_LT(OpenDescriptors(daemon.process().pid()), 200);
}

TEST(HostileInput, EachRefusedCallGetsItsAnswerAndLeavesNoTrace) {
  TempDir dir;
  TestDatabase database;
  Sandbox sandbox(dir);
  Daemon daemon(dir, ShortDeadlineOptions(database, sandbox));
  ASSERT_TRUE(daemon.Start()) << daemon.Output();
  const std::string event = sandbox.CreateEvents(1).front();
  const std::vector<HostileCase> cases = RefusedCases(event, JsonString(event, "id"));
  ASSERT_GE(cases.size(), 40u);

  for (const HostileCase& hostile : cases) {
    SCOPED_TRACE("case: " + hostile.name);
    const Exchange exchange = Play(daemon.port(), hostile.mode, hostile.request());
    EXPECT_EQ(exchange.transcript, hostile.expected);
    if (hostile.mode == Mode::kUntilDeadline || hostile.mode == Mode::kSlowloris) {
      EXPECT_GE(exchange.elapsed, kReadTimeout - milliseconds(100));
      EXPECT_LE(exchange.elapsed, kReadTimeout + kDeadlineMargin);
    } else {
      EXPECT_LT(exchange.elapsed, kQuick);
    }
    EXPECT_EQ(exchange.received.find(kWebhookSecret), std::string::npos);
    ASSERT_TRUE(daemon.process().running()) << daemon.Output();
    EXPECT_EQ(database.Scalar("SELECT count(*) FROM paypro_events"), "0");
    EXPECT_EQ(ApiRequests(sandbox), 0);
  }
  // Anything that slipped into the inbox would be fetched by now.
  std::this_thread::sleep_for(milliseconds(1000));
  EXPECT_EQ(database.Scalar("SELECT count(*) FROM paypro_events"), "0");
  EXPECT_EQ(ApiRequests(sandbox), 0);
  ExpectStillServing(daemon, sandbox, database);
}

TEST(HostileInput, EdgeCallsThatPassAreStoredOnceAndForgedIdsAreRejected) {
  TempDir dir;
  TestDatabase database;
  Sandbox sandbox(dir);
  Daemon daemon(dir, ShortDeadlineOptions(database, sandbox));
  ASSERT_TRUE(daemon.Start()) << daemon.Output();
  const std::vector<std::string> events = sandbox.CreateEvents(6);
  std::vector<std::string> ids;
  for (const std::string& event : events) ids.push_back(JsonString(event, "id"));
  const uint16_t port = daemon.port();
  const auto now = [] { return NowSeconds(); };
  const std::string stamp = std::to_string(now());

  // Pipelined: six calls in one write, answered in order; the repeat is stored once.
  const std::string pipelined = SignedCall(events[0], now()) + Call(events[1], stamp, "00") +
                                SignedCall(events[1], now()) +
                                RawRequest("GET /webhooks/paypro HTTP/1.1", {"Host: x"}, "") +
                                SignedCall(events[2], now()) + SignedCall(events[0], now());
  EXPECT_EQ(Play(port, Mode::kHalfClose, pipelined).transcript, "200 401 200 405 200 200 closed");

  // HTTP/1.0 needs no Host, and its connection ends after the answer.
  auto headers = PayProHeaders(stamp, Sign(stamp, events[3]));
  headers.erase(headers.begin());
  EXPECT_EQ(
      Play(port, Mode::kKeepOpen, RawRequest("POST /webhooks/paypro HTTP/1.0", headers, events[3]))
          .transcript,
      "200 closed");

  // A chunked body within the limit is signed over its decoded bytes.
  headers = PayProHeaders(stamp, Sign(stamp, events[4]));
  headers.push_back("Transfer-Encoding: chunked");
  EXPECT_EQ(Play(port, Mode::kHalfClose,
                 RawRequest("POST /webhooks/paypro HTTP/1.1", headers, Chunked(events[4], 50)))
                .transcript,
            "200 closed");

  ExpectIdleConnectionsDoNotStarveOthers(daemon, events[5]);

  // Signed with the right secret but unknown to PayPro: stored, then rejected by verification.
  const std::string forged = "EVFORGED0000000001";
  EXPECT_EQ(
      Play(port, Mode::kHalfClose, SignedCall(EventWithId("\"" + forged + "\""), now())).transcript,
      "200 closed");

  for (const std::string& id : ids) ExpectProcessedOnce(daemon, database, id);
  EXPECT_TRUE(
      Eventually([&] { return database.EventState(forged) == "rejected"; }, std::chrono::seconds(15)))
      << database.EventState(forged);
  EXPECT_EQ(sandbox.Fetches(forged), 1);
  EXPECT_EQ(daemon.Dispatches(forged), 0);
  EXPECT_EQ(database.Scalar("SELECT count(*) FROM paypro_events"), std::to_string(ids.size() + 1));
  // Every API call was a fetch of an event that passed intake.
  int64_t fetches = sandbox.Fetches(forged);
  for (const std::string& id : ids) fetches += sandbox.Fetches(id);
  EXPECT_EQ(ApiRequests(sandbox), fetches);
  ExpectStillServing(daemon, sandbox, database);
}

}  // namespace
}  // namespace webhookd::testing
