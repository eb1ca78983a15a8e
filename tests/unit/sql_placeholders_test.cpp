// Tests for rewriting `:path` placeholders in SQL as $n parameters.
#include "handlers/sql_placeholders.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace webhookd {
namespace {

using Paths = std::vector<std::string>;

SqlPlaceholders Extract(std::string_view sql) {
  auto result = ExtractSqlPlaceholders(sql);
  EXPECT_TRUE(result.ok()) << sql << ": " << (result.ok() ? "" : result.error().detail);
  return result.ok() ? std::move(*result) : SqlPlaceholders{"<failed>", {}};
}

std::string ErrorOf(std::string_view sql) {
  const auto result = ExtractSqlPlaceholders(sql);
  if (result.ok()) return "(no error)";
  EXPECT_EQ(result.error().code, ErrorCode::kConfig);
  return result.error().detail;
}

TEST(SqlPlaceholders, NumbersPathsInOrderOfFirstUse) {
  const SqlPlaceholders sql = Extract(
      "UPDATE orders SET paid_at = now(), paypro_payment = :payload.id "
      "WHERE id = :payload.metadata.order_id");
  EXPECT_EQ(sql.statement, "UPDATE orders SET paid_at = now(), paypro_payment = $1 WHERE id = $2");
  EXPECT_EQ(sql.paths, (Paths{"payload.id", "payload.metadata.order_id"}));
}

TEST(SqlPlaceholders, GivesARepeatedPathTheSameNumber) {
  const SqlPlaceholders sql = Extract(
      "INSERT INTO t (a, b, c) VALUES (:payload.id, :event_type, :payload.id) "
      "ON CONFLICT (a) DO UPDATE SET b = :event_type");
  EXPECT_EQ(sql.statement,
            "INSERT INTO t (a, b, c) VALUES ($1, $2, $1) ON CONFLICT (a) DO UPDATE SET b = $2");
  EXPECT_EQ(sql.paths, (Paths{"payload.id", "event_type"}));
}

TEST(SqlPlaceholders, LeavesCastsAlone) {
  const SqlPlaceholders sql =
      Extract("SELECT now()::date, :created_at::timestamptz, :payload::jsonb, x::text");
  EXPECT_EQ(sql.statement, "SELECT now()::date, $1::timestamptz, $2::jsonb, x::text");
  EXPECT_EQ(sql.paths, (Paths{"created_at", "payload"}));
}

TEST(SqlPlaceholders, LeavesQuotedTextAndCommentsAlone) {
  const SqlPlaceholders sql = Extract(
      "SELECT ':payload.id', 'it''s :id', E'a\\':id', \"col:id\", $$ :id $$, $q$ :id $q$ -- :id\n"
      ", /* :id /* nested :id */ :id */ :id");
  EXPECT_EQ(sql.statement,
            "SELECT ':payload.id', 'it''s :id', E'a\\':id', \"col:id\", $$ :id $$, $q$ :id $q$ "
            "-- :id\n, /* :id /* nested :id */ :id */ $1");
  EXPECT_EQ(sql.paths, Paths{"id"});
}

TEST(SqlPlaceholders, TakesOnlyLowercasePathsWithoutTrailingDot) {
  const SqlPlaceholders sql = Extract("SELECT :payload.amount., :Id, :1, a[1:2], :x_1.y2");
  EXPECT_EQ(sql.statement, "SELECT $1., :Id, :1, a[1:2], $2");
  EXPECT_EQ(sql.paths, (Paths{"payload.amount", "x_1.y2"}));
}

TEST(SqlPlaceholders, KeepsStatementWithoutPlaceholders) {
  const SqlPlaceholders sql = Extract("NOTIFY shop;  \n");
  EXPECT_EQ(sql.statement, "NOTIFY shop;  \n");
  EXPECT_TRUE(sql.paths.empty());
}

TEST(SqlPlaceholders, RejectsUnterminatedQuotesAndComments) {
  EXPECT_EQ(ErrorOf("SELECT 'abc"), "unterminated string literal");
  EXPECT_EQ(ErrorOf("SELECT 'it''s"), "unterminated string literal");
  EXPECT_EQ(ErrorOf("SELECT E'abc\\'"), "unterminated string literal");
  EXPECT_EQ(ErrorOf("SELECT \"col"), "unterminated quoted identifier");
  EXPECT_EQ(ErrorOf("SELECT $$ abc"), "unterminated $$ string");
  EXPECT_EQ(ErrorOf("SELECT 1 /* a /* b */"), "unterminated /* comment");
}

TEST(SqlPlaceholders, RejectsPositionalParametersAndSecondStatement) {
  EXPECT_EQ(ErrorOf("UPDATE t SET a = $1"),
            "write :path placeholders, not positional parameters like $1");
  EXPECT_EQ(ErrorOf("DELETE FROM a; DELETE FROM b"), "holds more than one statement");
  EXPECT_EQ(ErrorOf("SELECT 1;;"), "holds more than one statement");
  EXPECT_EQ(Extract("SELECT 1; -- done\n").statement, "SELECT 1; -- done\n");
  EXPECT_EQ(Extract("SELECT a$1 FROM t").statement, "SELECT a$1 FROM t");
}

TEST(SqlPlaceholders, NeverQuotesTheStatementInErrors) {
  for (const char* sql : {"SELECT 'SECRET", "SELECT \"SECRET", "SELECT 1; SECRET",
                          "SELECT $SECRET$ x", "SELECT $1 -- SECRET"}) {
    EXPECT_EQ(ErrorOf(sql).find("SECRET"), std::string::npos) << sql;
  }
}

}  // namespace
}  // namespace webhookd
