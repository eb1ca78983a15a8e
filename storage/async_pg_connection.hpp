// One PostgreSQL connection driven from an Asio executor through libpq's
// non-blocking interface: a statement goes out and its answer is awaited
// without a thread of its own.
#pragma once

#include <libpq-fe.h>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.hpp"
#include "core/secret.hpp"

namespace webhookd {

/// A statement prepared on every connection, by name.
struct PreparedStatement {
  const char* name;
  const char* sql;
};

class AsyncPgConnection {
 public:
  /// Connects for the daemon's part `role` (as ConnectDatabase) and prepares
  /// `statement`. Blocks (name lookup, TLS, the prepare's round trip): call
  /// it off the I/O threads. Failures are kUnavailable, without the password.
  static Result<std::unique_ptr<AsyncPgConnection>> Open(const boost::asio::any_io_executor& executor, const Secret& url,
                                                         std::string_view role, PreparedStatement statement);
  /// Not while a statement is in flight: its wait holds `this`.
  ~AsyncPgConnection();
  AsyncPgConnection(const AsyncPgConnection&) = delete;
  AsyncPgConnection& operator=(const AsyncPgConnection&) = delete;

  /// Sends the statement prepared by Open() with text parameters and calls `done`
  /// from the executor once PostgreSQL has answered: Ok, or kUnavailable
  /// with its message. A failure to send may call `done` before this returns.
  /// One statement at a time; the connection must outlive the call. Call it
  /// from the executor.
  void ExecPrepared(const std::vector<std::string>& params, std::function<void(Status)> done);

  /// False once the connection broke; a broken connection stays broken.
  bool is_open() const { return PQstatus(connection_.get()) == CONNECTION_OK; }

 private:
  struct Finish {
    void operator()(PGconn* connection) const { PQfinish(connection); }
  };
  AsyncPgConnection(const boost::asio::any_io_executor& executor, std::unique_ptr<PGconn, Finish> connection,
                    int watched, const char* statement);

  void Flush();
  void AwaitAnswer();
  void ReadAnswer();
  /// Calls `then` once the socket is ready for `type`, or at once when
  /// `ready_now` finds that it already is.
  void Wait(boost::asio::posix::stream_descriptor::wait_type type, std::function<void()> then,
            const std::function<bool()>& ready_now);
  void Answer(Status status);
  Status Failure(const std::string& what) const;

  std::unique_ptr<PGconn, Finish> connection_;
  boost::asio::posix::stream_descriptor socket_;  // a duplicate of libpq's socket, for waiting on
  const char* statement_;
  std::function<void(Status)> done_;
  Status answer_ = Ok{};
};

}  // namespace webhookd
