// Opening PostgreSQL connections, with messages that never show the password.
#pragma once

#include <memory>
#include <string>
#include <string_view>

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

/// Connects to `url` (a libpq URI or key=value string) for the daemon's part
/// `role` ("verifier"), with WithSessionDefaults. Failures are kUnavailable.
Result<std::unique_ptr<pqxx::connection>> ConnectDatabase(const Secret& url, std::string_view role,
                                                          int timeout_s = kDefaultConnectTimeoutS);

/// The connection string with what the daemon adds when the operator has not
/// set it: a connect_timeout of `timeout_s`, and an application name that
/// tells the daemon's sessions apart in pg_stat_activity
/// ("paypro-webhookd-handler-runner" for the role "handler runner").
std::string WithSessionDefaults(std::string_view url, std::string_view role, int timeout_s);

/// Removes any password from a libpq error message or connection string.
std::string RedactPassword(std::string text, const Secret& url);

}  // namespace webhookd
