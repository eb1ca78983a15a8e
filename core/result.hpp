// The project's one result type: expected failures are values, bugs are exceptions.
#pragma once

#include <string>
#include <utility>
#include <variant>

namespace webhookd {

/// Kinds of expected failure. Each maps to one HTTP status in daemon/http_status.cpp.
enum class ErrorCode {
  kBadRequest,        ///< malformed input from the caller
  kUnauthorized,      ///< signature or timestamp does not hold
  kForbidden,         ///< caller not allowed
  kNotFound,          ///< unknown path or id
  kMethodNotAllowed,  ///< wrong HTTP method
  kPayloadTooLarge,   ///< body over the configured limit
  kHeadersTooLarge,   ///< request headers over the limit
  kUnavailable,       ///< database down or queue full: try again later
  kRateLimited,       ///< remote side asked us to slow down
  kUpstream,          ///< remote side failed (5xx, unexpected answer)
  kTimeout,           ///< a deadline passed
  kConfig,            ///< configuration is invalid
  kInternal,          ///< a fault of ours that is still handled as a value
};

/// An expected failure. `reason` is short and safe to show to a client;
/// `detail` is for the log and may name internals (never secrets).
struct Error {
  ErrorCode code;
  std::string reason;
  std::string detail;
};

inline Error MakeError(ErrorCode code, std::string reason, std::string detail = {}) {
  return Error{code, std::move(reason), std::move(detail)};
}

/// A value or an Error.
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : state_(std::move(value)) {}      // NOLINT: implicit by design
  Result(Error error) : state_(std::move(error)) {}  // NOLINT: implicit by design

  bool ok() const { return state_.index() == 0; }
  explicit operator bool() const { return ok(); }

  T& value() & { return std::get<0>(state_); }
  const T& value() const& { return std::get<0>(state_); }
  T&& value() && { return std::get<0>(std::move(state_)); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

  const Error& error() const { return std::get<1>(state_); }
  Error&& take_error() { return std::get<1>(std::move(state_)); }

 private:
  std::variant<T, Error> state_;
};

/// Success carries nothing.
struct Ok {};
using Status = Result<Ok>;

}  // namespace webhookd
