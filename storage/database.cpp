// PostgreSQL connections through libpqxx.
#include "storage/database.hpp"

#include <fmt/format.h>

#include <pqxx/pqxx>
#include <regex>

namespace webhookd {

namespace {

// Letters, digits and hyphens only: nothing to quote in either form of a
// connection string.
std::string ApplicationName(std::string_view role) {
  std::string name = "paypro-webhookd-";
  for (const char c : role) name += c == ' ' ? '-' : c;
  return name;
}

}  // namespace

std::string WithSessionDefaults(std::string_view url, std::string_view role, int timeout_s) {
  std::string text(url);
  const bool uri = text.starts_with("postgres://") || text.starts_with("postgresql://");
  const auto add = [&](std::string_view key, const std::string& value) {
    if (uri) {
      text += fmt::format("{}{}={}", text.find('?') == std::string::npos ? '?' : '&', key, value);
    } else {
      text += fmt::format(" {}={}", key, value);
    }
  };
  if (text.find("connect_timeout") == std::string::npos) add("connect_timeout", std::to_string(timeout_s));
  // The fallback gives way to an application_name in the url or in PGAPPNAME.
  if (text.find("application_name") == std::string::npos) add("fallback_application_name", ApplicationName(role));
  return text;
}

std::string RedactPassword(std::string text, const Secret& url) {
  // libpq does not echo passwords, but a connection string can end up in a
  // message by other routes: remove both the URI form and key=value form.
  static const std::regex kUriPassword(R"((postgres(ql)?://[^:/@\s]*):[^@\s]*@)");
  static const std::regex kKeyPassword(R"(password\s*=\s*('[^']*'|\S+))");
  text = std::regex_replace(text, kUriPassword, "$1:<redacted>@");
  text = std::regex_replace(text, kKeyPassword, "password=<redacted>");
  if (const size_t at = url.Reveal().find('@'); at != std::string_view::npos) {
    const std::string_view credentials = url.Reveal().substr(0, at);
    if (const size_t colon = credentials.rfind(':'); colon != std::string_view::npos && colon + 1 < credentials.size()) {
      const std::string password(credentials.substr(colon + 1));
      for (size_t pos; (pos = text.find(password)) != std::string::npos;) text.replace(pos, password.size(), "<redacted>");
    }
  }
  return text;
}

Result<std::unique_ptr<pqxx::connection>> ConnectDatabase(const Secret& url, std::string_view role, int timeout_s) {
  try {
    return std::make_unique<pqxx::connection>(WithSessionDefaults(url.Reveal(), role, timeout_s));
  } catch (const std::exception& e) {
    return MakeError(ErrorCode::kUnavailable, "database unavailable",
                     "connecting to PostgreSQL: " + RedactPassword(e.what(), url));
  }
}

}  // namespace webhookd
