// A fresh PostgreSQL database per test, on the cluster scripts/test started.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include <pqxx/pqxx>

namespace webhookd::testing {

/// Creates `t_<random>` on the server named by $PAYPRO_TEST_DATABASE_URL and
/// drops it afterwards. Tests that need PostgreSQL fail (not skip) when the
/// variable is missing: a suite that silently skips proves nothing.
class TestDatabase {
 public:
  TestDatabase();
  ~TestDatabase();

  /// Connection URI of the fresh database.
  const std::string& url() const { return url_; }
  /// A new connection to it.
  std::unique_ptr<pqxx::connection> Connect() const;
  /// Runs `sql` and returns the first column of the first row as text.
  std::string Scalar(const std::string& sql) const;
  /// The state of stored event `event_id`, or "" when it is not stored.
  std::string EventState(const std::string& event_id) const;
  /// Sessions on it idle in a transaction for over a second: a claim (a
  /// verifier's round is one) that its worker left open.
  int64_t TransactionsLeftOpen() const;

 private:
  std::string admin_url_;
  std::string name_;
  std::string url_;
};

}  // namespace webhookd::testing
