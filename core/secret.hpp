// A string that must never reach a log line: API keys and webhook secrets.
#pragma once

#include <fmt/format.h>

#include <ostream>
#include <string>
#include <string_view>

namespace webhookd {

/// Holds a secret. It cannot be streamed or formatted except as "<redacted>";
/// the value is reachable only through the explicit `Reveal()`.
class Secret {
 public:
  Secret() = default;
  explicit Secret(std::string value) : value_(std::move(value)) {}

  std::string_view Reveal() const { return value_; }
  bool empty() const { return value_.empty(); }
  friend bool operator==(const Secret&, const Secret&) = default;

 private:
  std::string value_;
};

inline std::ostream& operator<<(std::ostream& out, const Secret&) { return out << "<redacted>"; }

}  // namespace webhookd

template <>
struct fmt::formatter<webhookd::Secret> : fmt::formatter<std::string_view> {
  template <typename Context>
  auto format(const webhookd::Secret&, Context& ctx) const {
    return fmt::formatter<std::string_view>::format("<redacted>", ctx);
  }
};
