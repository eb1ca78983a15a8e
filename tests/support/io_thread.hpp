// An io_context running on a thread of its own for as long as the object lives.
#pragma once

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <thread>

namespace webhookd::testing {

class IoThread {
 public:
  IoThread() : thread_([this] { context_.run(); }) {}
  ~IoThread() {
    guard_.reset();
    thread_.join();  // after what is still queued has run
  }
  IoThread(const IoThread&) = delete;
  IoThread& operator=(const IoThread&) = delete;

  boost::asio::io_context::executor_type executor() { return context_.get_executor(); }

 private:
  boost::asio::io_context context_;
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> guard_{context_.get_executor()};
  std::thread thread_;
};

}  // namespace webhookd::testing
