// Opening PostgreSQL connections, with messages that never show the password.
#pragma once

#include <memory>
#include <string>

#include "core/result.hpp"
#include "core/secret.hpp"

namespace pqxx {
class connection_base;
template <typename CONNECTPOLICY>
class basic_connection_base;
class connect_direct;
using connection = basic_connection_base<connect_direct>;
}  // namespace pqxx

namespace webhookd {

/// Seconds a connection attempt may take unless the URL says otherwise.
inline constexpr int kDefaultConnectTimeoutS = 5;

/// Connects to `url` (a libpq URI or key=value string) with a connect timeout
/// of `timeout_s`. Failures are kUnavailable.
Result<std::unique_ptr<pqxx::connection>> ConnectDatabase(const Secret& url, int timeout_s = kDefaultConnectTimeoutS);

/// The connection string with a connect_timeout added when it has none.
std::string WithConnectTimeout(std::string_view url, int timeout_s);

/// Removes any password from a libpq error message or connection string.
std::string RedactPassword(std::string text, const Secret& url);

}  // namespace webhookd
