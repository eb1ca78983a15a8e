// Beast client connections driven by the load plan: connect, write, read, record, next.
#include "bench/load_lane.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <deque>
#include <optional>

namespace webhookd::bench {

namespace {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = net::ip::tcp;
using Clock = std::chrono::steady_clock;

// Open loop: a request that fell behind (every connection busy) still goes
// out this long after the duration; later ones are counted as unsent.
constexpr std::chrono::seconds kLateGrace{5};
constexpr uint64_t kMaxAnswerBytes = 1 << 20;

struct Connection {
  explicit Connection(net::io_context& ioc) : stream(ioc) {}
  beast::tcp_stream stream;
  beast::flat_buffer buffer;
  std::optional<http::response_parser<http::string_body>> parser;
  bool open = false;
  uint64_t number = 0;              // the request in flight
  Clock::time_point measured_from;  // intended (open loop) or actual (closed loop) send time
};

}  // namespace

struct LoadLane::Impl {
  explicit Impl(LaneSettings lane_settings) : settings(std::move(lane_settings)) {}

  void Schedule();
  void ArmPacer(Clock::time_point when);
  void Begin(Connection& connection, uint64_t number);
  void DoConnect(Connection& connection);
  void DoWrite(Connection& connection);
  void DoRead(Connection& connection);
  void OnRead(Connection& connection, beast::error_code error);
  void Fail(Connection& connection, beast::error_code error, const char* stage);
  void Close(Connection& connection);
  void Release(Connection& connection);
  void StopIssuing(bool late);

  LaneSettings settings;
  net::io_context ioc{1};
  net::steady_timer pacer{ioc};
  tcp::resolver::results_type endpoints;
  std::vector<std::unique_ptr<Connection>> connections;
  // First in, first out, so every connection keeps being used and none goes
  // stale on the server's idle timeout during a slow open-loop run.
  std::deque<Connection*> idle;
  Clock::time_point start;
  uint64_t next = 0;  // the lane's next request, counted within its share
  uint64_t in_flight = 0;
  bool pacer_armed = false;
  bool done_issuing = false;
  LoadTally tally;
};

void LoadLane::Impl::Schedule() {
  while (!done_issuing && !idle.empty()) {
    const uint64_t number = RequestNumber(next, settings.thread, settings.threads);
    if (!InPlan(settings.plan, number)) {
      StopIssuing(false);
      break;
    }
    const auto elapsed = Clock::now() - start;
    if (settings.plan.rate && elapsed >= settings.plan.duration + kLateGrace) {
      StopIssuing(true);
      break;
    }
    if (!MayStart(settings.plan, number, elapsed)) {
      if (!settings.plan.rate) {
        StopIssuing(false);  // closed loop: the duration is over
      } else {
        ArmPacer(start + IntendedOffset(settings.plan, number));
      }
      break;
    }
    Connection* connection = idle.front();
    idle.pop_front();
    ++next;
    Begin(*connection, number);
  }
  if (done_issuing && in_flight == 0) {
    for (auto& connection : connections) Close(*connection);
  }
}

void LoadLane::Impl::ArmPacer(Clock::time_point when) {
  if (pacer_armed) return;
  pacer_armed = true;
  pacer.expires_at(when);
  pacer.async_wait([this](beast::error_code error) {
    pacer_armed = false;
    if (!error) Schedule();
  });
}

void LoadLane::Impl::StopIssuing(bool late) {
  done_issuing = true;
  pacer.cancel();
  if (!late) return;
  for (uint64_t k = next;
       InPlan(settings.plan, RequestNumber(k, settings.thread, settings.threads)); ++k) {
    ++tally.unsent;
  }
}

void LoadLane::Impl::Begin(Connection& connection, uint64_t number) {
  ++tally.sent;
  ++in_flight;
  connection.number = number;
  connection.measured_from =
      settings.plan.rate ? start + IntendedOffset(settings.plan, number) : Clock::now();
  connection.stream.expires_after(settings.timeout);
  if (connection.open) {
    DoWrite(connection);
  } else {
    DoConnect(connection);
  }
}

void LoadLane::Impl::DoConnect(Connection& connection) {
  connection.stream.async_connect(
      endpoints, [this, &connection](beast::error_code error, const tcp::endpoint&) {
        if (error) return Fail(connection, error, "connect");
        connection.open = true;
        connection.stream.socket().set_option(tcp::no_delay(true), error);
        DoWrite(connection);
      });
}

void LoadLane::Impl::DoWrite(Connection& connection) {
  // Numbers run past the loaded calls only with --repeat.
  const std::string& request = (*settings.requests)[connection.number % settings.requests->size()];
  net::async_write(connection.stream, net::buffer(request),
                   [this, &connection](beast::error_code error, size_t) {
                     if (error) return Fail(connection, error, "write");
                     DoRead(connection);
                   });
}

void LoadLane::Impl::DoRead(Connection& connection) {
  connection.parser.emplace();
  connection.parser->body_limit(kMaxAnswerBytes);
  http::async_read(
      connection.stream, connection.buffer, *connection.parser,
      [this, &connection](beast::error_code error, size_t) { OnRead(connection, error); });
}

void LoadLane::Impl::OnRead(Connection& connection, beast::error_code error) {
  if (error) return Fail(connection, error, "read");
  const auto now = Clock::now();
  ++tally.statuses[connection.parser->get().result_int()];
  tally.latency.Record(now - connection.measured_from);
  tally.last_answer = std::max(tally.last_answer, std::chrono::nanoseconds(now - start));
  if (settings.connection_close || !connection.parser->keep_alive()) Close(connection);
  Release(connection);
}

void LoadLane::Impl::Fail(Connection& connection, beast::error_code error, const char* stage) {
  ++tally.errors[error == beast::error::timeout ? "timeout" : stage];
  Close(connection);
  Release(connection);
}

void LoadLane::Impl::Close(Connection& connection) {
  if (!connection.open && !connection.stream.socket().is_open()) return;
  beast::error_code ignored;
  connection.stream.socket().shutdown(tcp::socket::shutdown_both, ignored);
  connection.stream.close();
  connection.open = false;
  connection.buffer.clear();
}

void LoadLane::Impl::Release(Connection& connection) {
  --in_flight;
  idle.push_back(&connection);
  Schedule();
}

LoadLane::LoadLane(LaneSettings settings) : impl_(std::make_unique<Impl>(std::move(settings))) {}

LoadLane::~LoadLane() = default;

Status LoadLane::Prepare() {
  Impl& lane = *impl_;
  beast::error_code error;
  tcp::resolver resolver(lane.ioc);
  lane.endpoints = resolver.resolve(lane.settings.host, lane.settings.port, error);
  if (error)
    return MakeError(ErrorCode::kUnavailable, "cannot resolve the target", error.message());
  for (size_t i = 0; i < lane.settings.connections; ++i) {
    auto connection = std::make_unique<Connection>(lane.ioc);
    if (!lane.settings.connection_close) {
      connection->stream.connect(lane.endpoints, error);
      if (error)
        return MakeError(ErrorCode::kUnavailable, "cannot connect to the target", error.message());
      connection->stream.socket().set_option(tcp::no_delay(true), error);
      connection->open = true;
    }
    lane.idle.push_back(connection.get());
    lane.connections.push_back(std::move(connection));
  }
  return Ok{};
}

LoadTally LoadLane::Run(std::chrono::steady_clock::time_point start) {
  Impl& lane = *impl_;
  lane.start = start;
  lane.ArmPacer(start);
  lane.ioc.run();
  return std::move(lane.tally);
}

}  // namespace webhookd::bench
