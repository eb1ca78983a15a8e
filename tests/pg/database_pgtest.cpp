// PostgreSQL: the daemon's sessions name their part in pg_stat_activity.
#include "storage/database.hpp"

#include <gtest/gtest.h>

#include <pqxx/pqxx>

#include "tests/support/test_database.hpp"

namespace webhookd::testing {
namespace {

std::string ApplicationNameOf(pqxx::connection& connection) {
  pqxx::nontransaction tx(connection);
  return tx.exec1("SELECT current_setting('application_name')")[0].as<std::string>();
}

std::string WithParameter(const std::string& uri, const std::string& parameter) {
  return uri + (uri.find('?') == std::string::npos ? "?" : "&") + parameter;
}

TEST(DatabasePgTest, SessionIsNamedAfterItsPart) {
  TestDatabase database;
  auto connection = ConnectDatabase(Secret(database.url()), "handler runner");
  ASSERT_TRUE(connection) << connection.error().detail;
  EXPECT_EQ(ApplicationNameOf(**connection), "paypro-webhookd-handler-runner");
}

TEST(DatabasePgTest, ApplicationNameInTheUrlWins) {
  TestDatabase database;
  auto connection = ConnectDatabase(Secret(WithParameter(database.url(), "application_name=orders")), "verifier");
  ASSERT_TRUE(connection) << connection.error().detail;
  EXPECT_EQ(ApplicationNameOf(**connection), "orders");
}

TEST(DatabasePgTest, UnreachableServerIsUnavailable) {
  auto connection = ConnectDatabase(Secret("postgresql://webhookd:s3cret@127.0.0.1:1/shop"), "verifier", 2);
  ASSERT_FALSE(connection);
  EXPECT_EQ(connection.error().code, ErrorCode::kUnavailable);
}

// libpq does not echo a password when it cannot connect, but it quotes a
// malformed one: "invalid percent-encoded token: "s3%zzcret"".
TEST(DatabasePgTest, PasswordLibpqQuotesInItsErrorIsRedacted) {
  auto connection = ConnectDatabase(Secret("postgresql://webhookd:s3%zzcret@127.0.0.1:1/shop"), "verifier", 2);
  ASSERT_FALSE(connection);
  EXPECT_EQ(connection.error().code, ErrorCode::kUnavailable);
  EXPECT_NE(connection.error().detail.find("percent-encoded"), std::string::npos) << connection.error().detail;
  EXPECT_EQ(connection.error().detail.find("zzcret"), std::string::npos) << connection.error().detail;
}

}  // namespace
}  // namespace webhookd::testing
