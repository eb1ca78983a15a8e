// SQL for the verification stage.
#include "storage/verification_queue.hpp"

#include <algorithm>
#include <fmt/format.h>
#include <array>
#include <limits>
#include <pqxx/pqxx>
#include <unordered_set>

#include "storage/index_order.hpp"
#include "storage/prepared_statement.hpp"
#include "storage/text_array.hpp"

namespace webhookd {

namespace {

// One statement for a batch's verified events instead of one each (a
// statement's round trip, parse and plan cost more than its row's update),
// prepared once per connection, with the copies as six arrays: whatever the
// round's size, EXECUTE passes six literals, not a VALUES row per event.
constexpr PreparedStatement kRecordVerified{
    "record_verified",
    "UPDATE paypro_events e SET state = CASE WHEN v.processed THEN 'processed' ELSE 'verified' END,"
    " processed_at = CASE WHEN v.processed THEN now() END, event_type = v.event_type,"
    " resource_type = nullif(v.resource_type, ''), resource_id = nullif(v.resource_id, ''),"
    " paypro_created_at = v.created_at::timestamptz, verified_body = v.body, verified_at = now(),"
    " attempts = 0, next_attempt_at = now(), last_error = NULL, updated_at = now()"
    " FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::boolean[])"
    "   AS v (event_id, event_type, resource_type, resource_id, created_at, body, processed)"
    " WHERE e.event_id = v.event_id AND e.state = 'received'"};

// The verified results, with those in `processed` recorded processed: one
// statement for them all.
std::string RecordVerifiedSql(pqxx::transaction_base& tx, const std::vector<VerificationResult>& results,
                              const std::vector<std::string>& processed) {
  // event_id, event_type, resource_type, resource_id, created_at, body
  std::array<std::vector<std::optional<std::string_view>>, 6> columns;
  const std::unordered_set<std::string_view> processed_ids(processed.begin(), processed.end());
  std::vector<std::string> processed_flags;
  for (const VerificationResult& result : results) {
    if (result.kind != VerificationResult::Kind::kVerified) continue;
    const VerifiedCopy& copy = result.copy;
    const std::array<std::string_view, 6> row{result.event_id, copy.event_type, copy.resource_type,
                                              copy.resource_id, copy.created_at, copy.body};
    for (size_t i = 0; i < row.size(); ++i) columns[i].emplace_back(row[i]);
    processed_flags.push_back(processed_ids.contains(result.event_id) ? "t" : "f");
  }
  if (columns[0].empty()) return "";
  return ExecuteSql(tx, kRecordVerified, QuotedArrayLiteral(columns[0]), QuotedArrayLiteral(columns[1]),
                    QuotedArrayLiteral(columns[2]), QuotedArrayLiteral(columns[3]), QuotedArrayLiteral(columns[4]),
                    QuotedArrayLiteral(columns[5]), TextArrayLiteral(processed_flags));
}

// NO KEY UPDATE: the round changes no key, so inserting a handler run that
// references the row (a KEY SHARE lock) need not wait.
constexpr PreparedStatement kClaim{
    "claim_for_verification",
    "SELECT event_id, event_type, attempts, (extract(epoch FROM now() - received_at) * 1000)::bigint,"
    "   extract(epoch FROM next_attempt_at)::float8"
    " FROM paypro_events"
    " WHERE state = 'received' AND next_attempt_at <= now() AND next_attempt_at >= to_timestamp($2)"
    " ORDER BY next_attempt_at LIMIT $1 FOR NO KEY UPDATE SKIP LOCKED"};

// Verified rows of the round (claimed, so still received) with no
// unfinished earlier event of their resource, as the processing claim orders
// them (storage/processing_queue.cpp). Within the round, rows are compared
// by PayPro's created_at ($3): the table still holds their posted hints.
constexpr PreparedStatement kProcessableNow{
    "processable_now",
    "WITH round AS ("
    "  SELECT self.event_id, v.resource_id, v.created_at::timestamptz AS created_at, self.seq, v.n"
    "  FROM paypro_events self"
    "  JOIN unnest($1::text[], $2::text[], $3::text[]) WITH ORDINALITY AS v (event_id, resource_id, created_at, n)"
    "    ON self.event_id = v.event_id"
    "  WHERE self.state = 'received')"
    " SELECT r.event_id FROM round r"
    " WHERE r.resource_id = '' OR ("
    "   NOT EXISTS (SELECT 1 FROM paypro_events p"
    "     WHERE p.resource_id = r.resource_id AND p.state IN ('received', 'verified', 'failed')"
    "       AND (p.paypro_created_at, p.seq) < (r.created_at, r.seq)"
    "       AND p.event_id NOT IN (SELECT event_id FROM round))"
    "   AND NOT EXISTS (SELECT 1 FROM round o"
    "     WHERE o.resource_id = r.resource_id AND (o.created_at, o.seq) < (r.created_at, r.seq)))"
    " ORDER BY r.n"};

constexpr PreparedStatement kRecordRejected{
    "record_rejected",
    "UPDATE paypro_events SET state = 'rejected', last_error = $2, updated_at = now()"
    " WHERE event_id = $1 AND state = 'received'"};

constexpr PreparedStatement kRecordRetry{
    "record_retry",
    "UPDATE paypro_events SET attempts = attempts + 1, last_error = $2,"
    " next_attempt_at = now() + make_interval(secs => $3), updated_at = now()"
    " WHERE event_id = $1 AND state = 'received'"};

// The round's events again, after its transaction failed and let them go:
// those another worker has not claimed or finished meanwhile.
constexpr PreparedStatement kReclaim{
    "reclaim_for_recording",
    "SELECT event_id FROM paypro_events WHERE event_id = ANY ($1::text[]) AND state = 'received'"
    " FOR NO KEY UPDATE SKIP LOCKED"};

}  // namespace

std::vector<ClaimedEvent> ClaimForVerification(pqxx::transaction_base& tx, int limit,
                                               std::chrono::milliseconds idle_limit, ClaimFloor* floor) {
  const double from =
      floor != nullptr ? floor->Next(std::chrono::steady_clock::now()) : -std::numeric_limits<double>::infinity();
  // The planner's settings come back with ProcessableNow, the next statement
  // of a round that runs handlers, in the same round trip.
  const pqxx::result rows = RunPreparedAfter(
      tx, fmt::format("SET LOCAL idle_in_transaction_session_timeout = {}; {}", idle_limit.count(), kIndexOrderOnlySql),
      kClaim, limit, from);
  std::vector<ClaimedEvent> claimed;
  claimed.reserve(rows.size());
  std::optional<double> oldest_due;
  for (const auto& row : rows) {
    claimed.push_back({row[0].as<std::string>(), row[1].as<std::string>(), row[2].as<int>(),
                       std::chrono::milliseconds(row[3].as<int64_t>())});
    const double due = row[4].as<double>();
    oldest_due = oldest_due ? std::min(*oldest_due, due) : due;
  }
  if (floor != nullptr) floor->Claimed(oldest_due);
  return claimed;
}

std::vector<std::string> ProcessableNow(pqxx::transaction_base& tx, const std::vector<VerificationResult>& results) {
  std::array<std::vector<std::optional<std::string_view>>, 3> columns;
  for (const VerificationResult& result : results) {
    if (result.kind != VerificationResult::Kind::kVerified) continue;
    const std::array<std::string_view, 3> row{result.event_id, result.copy.resource_id, result.copy.created_at};
    for (size_t i = 0; i < row.size(); ++i) columns[i].emplace_back(row[i]);
  }
  std::vector<std::string> ids;
  if (columns[0].empty()) return ids;
  const pqxx::result rows =
      RunPreparedAfter(tx, kPlannerDefaultsSql, kProcessableNow, QuotedArrayLiteral(columns[0]),
                       QuotedArrayLiteral(columns[1]), QuotedArrayLiteral(columns[2]));
  ids.reserve(rows.size());
  for (const auto& row : rows) ids.push_back(row[0].as<std::string>());
  return ids;
}

std::string RecordVerificationSql(pqxx::transaction_base& tx, const std::vector<VerificationResult>& results,
                                  const std::vector<std::string>& processed) {
  using Kind = VerificationResult::Kind;
  std::string sql;
  for (const VerificationResult& result : results) {
    switch (result.kind) {
      case Kind::kVerified:
        break;  // all together below
      case Kind::kRejected:
        sql += ExecuteSql(tx, kRecordRejected, result.event_id, result.error) + ";\n";
        break;
      case Kind::kRetry:
        sql += ExecuteSql(tx, kRecordRetry, result.event_id, result.error,
                          static_cast<double>(result.delay.count()) / 1000.0) +
               ";\n";
        break;
      case Kind::kRelease:
        break;  // unlocked when the transaction ends, as it was
    }
  }
  if (std::string verified = RecordVerifiedSql(tx, results, processed); !verified.empty()) sql += verified + ";\n";
  return sql;
}

std::vector<VerificationResult> Reclaim(pqxx::transaction_base& tx, std::vector<VerificationResult> results) {
  std::vector<std::string> ids;
  for (const VerificationResult& result : results) ids.push_back(result.event_id);
  std::unordered_set<std::string> locked;
  for (const auto& row : RunPrepared(tx, kReclaim, TextArrayLiteral(ids))) locked.insert(row[0].as<std::string>());
  std::erase_if(results, [&](const VerificationResult& result) { return !locked.contains(result.event_id); });
  return results;
}

}  // namespace webhookd
