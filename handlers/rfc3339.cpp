// RFC 3339 date-times to and from Unix microseconds, on std::chrono's calendar (no locale).
#include "handlers/rfc3339.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <optional>

namespace webhookd {

namespace {

namespace chr = std::chrono;

constexpr int kMicrosDigits = 6;
constexpr size_t kMaxQuotedLength = 40;

// Reads the grammar of RFC 3339 section 5.6 left to right; every step either
// consumes what it expects or reports false and leaves the caller to give up.
class Cursor {
 public:
  explicit Cursor(std::string_view text) : text_(text) {}

  bool Digits(size_t width, int& out) {
    if (text_.size() - pos_ < width) return false;
    out = 0;
    for (size_t i = 0; i < width; ++i) {
      const char c = text_[pos_ + i];
      if (c < '0' || c > '9') return false;
      out = out * 10 + (c - '0');
    }
    pos_ += width;
    return true;
  }

  // RFC 3339 section 5.6 allows "T" and "Z" in lower case too.
  bool Char(char expected) {
    if (pos_ == text_.size()) return false;
    const char c = text_[pos_];
    const bool lower_ok = (expected == 'T' || expected == 'Z') && c == expected + ('a' - 'A');
    if (c != expected && !lower_ok) return false;
    ++pos_;
    return true;
  }

  // One or more digits after the dot; digits past microseconds are dropped.
  bool Fraction(int64_t& micros) {
    const size_t start = pos_;
    micros = 0;
    int scale = kMicrosDigits;
    while (pos_ < text_.size() && text_[pos_] >= '0' && text_[pos_] <= '9') {
      if (scale > 0) {
        micros = micros * 10 + (text_[pos_] - '0');
        --scale;
      }
      ++pos_;
    }
    for (; scale > 0; --scale) micros *= 10;
    return pos_ > start;
  }

  bool AtEnd() const { return pos_ == text_.size(); }

 private:
  std::string_view text_;
  size_t pos_ = 0;
};

Error Invalid(std::string_view text) {
  return MakeError(
      ErrorCode::kBadRequest, "invalid timestamp",
      "not an RFC 3339 date-time: \"" + std::string(text.substr(0, kMaxQuotedLength)) + "\"");
}

// Minutes east of UTC from "Z", "+hh:mm" or "-hh:mm"; nullopt when malformed.
std::optional<int> ReadOffsetMinutes(Cursor& in) {
  if (in.Char('Z')) return 0;
  int sign = 1;
  if (in.Char('-')) {
    sign = -1;
  } else if (!in.Char('+')) {
    return std::nullopt;
  }
  int hours = 0;
  int minutes = 0;
  if (!in.Digits(2, hours) || !in.Char(':') || !in.Digits(2, minutes)) return std::nullopt;
  if (hours > 23 || minutes > 59) return std::nullopt;
  return sign * (hours * 60 + minutes);
}

}  // namespace

Result<int64_t> ParseRfc3339(std::string_view text) {
  Cursor in(text);
  int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
  const bool date_time_ok = in.Digits(4, year) && in.Char('-') && in.Digits(2, month) &&
                            in.Char('-') && in.Digits(2, day) && in.Char('T') &&
                            in.Digits(2, hour) && in.Char(':') && in.Digits(2, minute) &&
                            in.Char(':') && in.Digits(2, second);
  if (!date_time_ok) return Invalid(text);
  int64_t micros = 0;
  if (in.Char('.') && !in.Fraction(micros)) return Invalid(text);
  const std::optional<int> offset_minutes = ReadOffsetMinutes(in);
  if (!offset_minutes || !in.AtEnd()) return Invalid(text);

  const chr::year_month_day date{chr::year{year}, chr::month{static_cast<unsigned>(month)},
                                 chr::day{static_cast<unsigned>(day)}};
  // Second 60 is a leap second (RFC 3339 section 5.7); like POSIX time, it
  // counts as the first second of the next minute.
  if (!date.ok() || hour > 23 || minute > 59 || second > 60) return Invalid(text);

  const auto utc = chr::sys_days{date} + chr::hours{hour} + chr::minutes{minute} +
                   chr::seconds{second} - chr::minutes{*offset_minutes};
  return chr::duration_cast<chr::microseconds>(utc.time_since_epoch()).count() + micros;
}

std::string FormatRfc3339(int64_t unix_micros) {
  using Micros = chr::sys_time<chr::microseconds>;
  const Micros earliest{chr::sys_days{chr::year{0} / 1 / 1}};
  const Micros latest{chr::sys_days{chr::year{10000} / 1 / 1} - chr::microseconds{1}};
  const Micros time = std::clamp(Micros{chr::microseconds{unix_micros}}, earliest, latest);

  const chr::sys_days day = chr::floor<chr::days>(time);
  const chr::year_month_day date{day};
  const chr::hh_mm_ss clock{time - day};

  char buffer[48];
  int length = std::snprintf(
      buffer, sizeof(buffer), "%04d-%02u-%02uT%02d:%02d:%02lld", static_cast<int>(date.year()),
      static_cast<unsigned>(date.month()), static_cast<unsigned>(date.day()),
      static_cast<int>(clock.hours().count()), static_cast<int>(clock.minutes().count()),
      static_cast<long long>(clock.seconds().count()));
  const long long fraction = clock.subseconds().count();
  if (fraction != 0) {
    length += std::snprintf(buffer + length, sizeof(buffer) - length, ".%06lld", fraction);
  }
  return std::string(buffer, length) + "Z";
}

}  // namespace webhookd
