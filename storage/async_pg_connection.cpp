// libpq's non-blocking calls, woken by the executor's reactor.
#include "storage/async_pg_connection.hpp"

#include <fcntl.h>

#include <cerrno>
#include <cstring>

#include "storage/database.hpp"

namespace webhookd {

namespace net = boost::asio;

namespace {

std::string Trimmed(const char* message) {
  std::string text = message ? message : "";
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
  return text;
}

}  // namespace

Result<std::unique_ptr<AsyncPgConnection>> AsyncPgConnection::Open(const net::any_io_executor& executor,
                                                                   const Secret& url, std::string_view role,
                                                                   PreparedStatement statement) {
  const auto unavailable = [&](const std::string& what) {
    return MakeError(ErrorCode::kUnavailable, "database unavailable", RedactPassword(what, url));
  };
  std::unique_ptr<PGconn, Finish> connection(
      PQconnectdb(WithSessionDefaults(url.Reveal(), role, kDefaultConnectTimeoutS).c_str()));
  if (!connection) return unavailable("connecting to PostgreSQL: out of memory");
  if (PQstatus(connection.get()) != CONNECTION_OK) {
    return unavailable("connecting to PostgreSQL: " + Trimmed(PQerrorMessage(connection.get())));
  }
  const std::unique_ptr<PGresult, decltype(&PQclear)> prepared(
      PQprepare(connection.get(), statement.name, statement.sql, 0, nullptr), &PQclear);
  if (PQresultStatus(prepared.get()) != PGRES_COMMAND_OK) {
    return unavailable(std::string("preparing ") + statement.name + ": " + Trimmed(PQerrorMessage(connection.get())));
  }
  // Sends must never block the thread that also serves HTTP: what the socket
  // does not take at once, Flush() sends when it is writable.
  if (PQsetnonblocking(connection.get(), 1) != 0) {
    return unavailable("non-blocking mode: " + Trimmed(PQerrorMessage(connection.get())));
  }
  // Asio watches a duplicate of libpq's socket, so that the descriptor it has
  // registered stays its own: libpq closes its socket when the connection
  // breaks, and that number could be handed to another socket in the meantime.
  const int watched = fcntl(PQsocket(connection.get()), F_DUPFD_CLOEXEC, 0);
  if (watched < 0) return unavailable(std::string("duplicating the socket: ") + std::strerror(errno));
  return std::unique_ptr<AsyncPgConnection>(
      new AsyncPgConnection(executor, std::move(connection), watched, statement.name));
}

AsyncPgConnection::AsyncPgConnection(const net::any_io_executor& executor, std::unique_ptr<PGconn, Finish> connection,
                                     int watched, const char* statement)
    : connection_(std::move(connection)), socket_(executor, watched), statement_(statement) {}

AsyncPgConnection::~AsyncPgConnection() = default;

void AsyncPgConnection::ExecPrepared(const std::vector<std::string>& params, std::function<void(Status)> done) {
  done_ = std::move(done);
  answer_ = Ok{};
  std::vector<const char*> values;
  values.reserve(params.size());
  for (const std::string& param : params) values.push_back(param.c_str());
  // libpq copies the parameters into its own buffer here.
  if (!PQsendQueryPrepared(connection_.get(), statement_, static_cast<int>(values.size()), values.data(), nullptr,
                           nullptr, 0)) {
    return Answer(Failure("sending"));
  }
  Flush();
}

void AsyncPgConnection::Flush() {
  const int flushed = PQflush(connection_.get());
  if (flushed < 0) return Answer(Failure("sending"));
  if (flushed == 0) return AwaitAnswer();
  // PostgreSQL answers only once it has the whole statement, so nothing
  // needs reading while the rest goes out.
  Wait(net::posix::stream_descriptor::wait_write, [this] { Flush(); },
       [this] { return PQflush(connection_.get()) != 1; });
}

void AsyncPgConnection::AwaitAnswer() {
  Wait(net::posix::stream_descriptor::wait_read, [this] { ReadAnswer(); },
       [this] { return !PQconsumeInput(connection_.get()) || !PQisBusy(connection_.get()); });
}

void AsyncPgConnection::ReadAnswer() {
  if (!PQconsumeInput(connection_.get())) return Answer(Failure("receiving"));
  // Each result, then the end of the statement's answer (a null result),
  // may each need more input: ask PQisBusy before every PQgetResult.
  while (!PQisBusy(connection_.get())) {
    PGresult* result = PQgetResult(connection_.get());
    if (!result) return Answer(std::move(answer_));
    const ExecStatusType status = PQresultStatus(result);
    if (answer_ && status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) {
      answer_ = MakeError(ErrorCode::kUnavailable, "database unavailable", Trimmed(PQresultErrorMessage(result)));
    }
    PQclear(result);
  }
  AwaitAnswer();
}

void AsyncPgConnection::Wait(net::posix::stream_descriptor::wait_type type, std::function<void()> then,
                             const std::function<bool()>& ready_now) {
  socket_.async_wait(type, [this, then = std::move(then)](boost::system::error_code ec) {
    if (ec && ec != net::error::operation_aborted) {
      return Answer(MakeError(ErrorCode::kUnavailable, "database unavailable", "waiting on the socket: " + ec.message()));
    }
    then();
  });
  // Asio's waits are edge-triggered and look at nothing before they are
  // queued: readiness that came after libpq's last look, and that another I/O
  // thread's epoll took while no wait was queued, would never wake this one.
  // So libpq looks once more now that the wait is queued; if what it waits
  // for is there (or the connection failed), the wait is cancelled, and
  // `then` runs at once to take it.
  if (ready_now()) {
    boost::system::error_code ignored;
    socket_.cancel(ignored);
  }
}

void AsyncPgConnection::Answer(Status status) {
  // Moved out first: `done` may start the next statement on this connection,
  // or destroy it (the inbox drops a failed one), so nothing of `this` is
  // touched after it, here or in the callers that return straight after.
  auto done = std::move(done_);
  done_ = nullptr;
  done(std::move(status));
}

Status AsyncPgConnection::Failure(const std::string& what) const {
  return MakeError(ErrorCode::kUnavailable, "database unavailable", what + ": " + Trimmed(PQerrorMessage(connection_.get())));
}

}  // namespace webhookd
