// An io_context running on threads of its own for as long as the object lives.
#pragma once

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <thread>
#include <vector>

namespace webhookd::testing {

class IoThread {
 public:
  explicit IoThread(int threads = 1) {
    for (int i = 0; i < threads; ++i) threads_.emplace_back([this] { context_.run(); });
  }
  ~IoThread() {
    guard_.reset();
    for (std::thread& thread : threads_) thread.join();  // after what is still queued has run
  }
  IoThread(const IoThread&) = delete;
  IoThread& operator=(const IoThread&) = delete;

  boost::asio::io_context::executor_type executor() { return context_.get_executor(); }

 private:
  boost::asio::io_context context_;
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> guard_{context_.get_executor()};
  std::vector<std::thread> threads_;
};

}  // namespace webhookd::testing
