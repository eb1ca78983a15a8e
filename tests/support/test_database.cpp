// Per-test databases.
#include "tests/support/test_database.hpp"

#include <random>
#include <stdexcept>

namespace webhookd::testing {

namespace {

// Replaces the database name (the path) of a postgresql:// URI.
std::string WithDatabase(const std::string& url, const std::string& name) {
  const size_t scheme = url.find("://");
  const size_t slash = url.find('/', scheme == std::string::npos ? 0 : scheme + 3);
  const size_t query = url.find('?');
  std::string base = slash == std::string::npos ? url.substr(0, query) : url.substr(0, slash);
  return base + "/" + name + (query == std::string::npos ? "" : url.substr(query));
}

}  // namespace

TestDatabase::TestDatabase() {
  const char* admin = std::getenv("PAYPRO_TEST_DATABASE_URL");
  if (admin == nullptr || *admin == '\0') {
    throw std::runtime_error("PAYPRO_TEST_DATABASE_URL is not set: run the tests through scripts/test");
  }
  admin_url_ = admin;
  std::random_device random;
  name_ = "t_" + std::to_string(random()) + std::to_string(random());
  pqxx::connection connection(admin_url_);
  pqxx::nontransaction(connection).exec0("CREATE DATABASE " + name_);
  url_ = WithDatabase(admin_url_, name_);
}

TestDatabase::~TestDatabase() {
  try {
    pqxx::connection connection(admin_url_);
    pqxx::nontransaction(connection).exec0("DROP DATABASE IF EXISTS " + name_ + " WITH (FORCE)");
  } catch (const std::exception&) {
    // The cluster is thrown away at the end of the run anyway.
  }
}

std::unique_ptr<pqxx::connection> TestDatabase::Connect() const { return std::make_unique<pqxx::connection>(url_); }

std::string TestDatabase::Scalar(const std::string& sql) const {
  pqxx::connection connection(url_);
  pqxx::nontransaction tx(connection);
  const pqxx::result rows = tx.exec(sql);
  if (rows.empty() || rows[0][0].is_null()) return "";
  return rows[0][0].as<std::string>();
}

std::string TestDatabase::EventState(const std::string& event_id) const {
  auto connection = Connect();
  pqxx::nontransaction tx(*connection);
  const pqxx::result rows = tx.exec_params("SELECT state FROM paypro_events WHERE event_id = $1", event_id);
  return rows.empty() ? std::string() : rows[0][0].as<std::string>();
}

int64_t TestDatabase::TransactionsLeftOpen() const {
  return std::stoll(Scalar(
      "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
      " AND state LIKE 'idle in transaction%' AND now() - state_change > interval '1 second'"));
}

}  // namespace webhookd::testing
