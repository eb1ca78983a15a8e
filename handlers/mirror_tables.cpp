// The per-kind mirror tables and the versioned upsert they share.
#include "handlers/mirror_tables.hpp"

#include <fmt/format.h>

#include "handlers/rfc3339.hpp"

namespace webhookd {

namespace {

std::optional<std::string> Number(const std::optional<int64_t>& value) {
  if (!value) return std::nullopt;
  return std::to_string(*value);
}

// PostgreSQL accepts many spellings of a timestamp and rejects others with an
// error that would abort the transaction; parsing here first turns anything
// that is not RFC 3339 into NULL instead.
std::optional<std::string> Time(const std::optional<std::string>& value) {
  if (!value) return std::nullopt;
  const Result<int64_t> micros = ParseRfc3339(*value);
  if (!micros) return std::nullopt;
  return FormatRfc3339(*micros);
}

template <typename T>
const T& As(const Resource& resource) {
  return std::get<T>(resource);
}

std::vector<MirrorTable> MakeTables() {
  std::vector<MirrorTable> tables;
  tables.push_back({ResourceKind::kPayment,
                    "paypro_mirror_payments",
                    {"amount", "currency", "state", "refunded_amount", "paid_at", "created_at"},
                    [](const Resource& resource) -> MirrorValues {
                      const auto& r = As<Payment>(resource);
                      return {Number(r.amount),          r.currency,      r.state,
                              Number(r.refunded_amount), Time(r.paid_at), Time(r.created_at)};
                    }});
  tables.push_back({ResourceKind::kRefund,
                    "paypro_mirror_refunds",
                    {"payment", "amount", "state", "created_at"},
                    [](const Resource& resource) -> MirrorValues {
                      const auto& r = As<Refund>(resource);
                      return {r.payment, Number(r.amount), r.state, Time(r.created_at)};
                    }});
  tables.push_back(
      {ResourceKind::kChargeback,
       "paypro_mirror_chargebacks",
       {"payment", "amount", "currency", "state", "reason", "charged_back_at", "created_at"},
       [](const Resource& resource) -> MirrorValues {
         const auto& r = As<Chargeback>(resource);
         return {r.payment, Number(r.amount),        r.currency,        r.state,
                 r.reason,  Time(r.charged_back_at), Time(r.created_at)};
       }});
  tables.push_back({ResourceKind::kCustomer,
                    "paypro_mirror_customers",
                    {"email", "country", "created_at"},
                    [](const Resource& resource) -> MirrorValues {
                      const auto& r = As<Customer>(resource);
                      return {r.email, r.country, Time(r.created_at)};
                    }});
  tables.push_back({ResourceKind::kMandate,
                    "paypro_mirror_mandates",
                    {"customer", "state", "created_at"},
                    [](const Resource& resource) -> MirrorValues {
                      const auto& r = As<Mandate>(resource);
                      return {r.customer, r.state, Time(r.created_at)};
                    }});
  tables.push_back(
      {ResourceKind::kSubscription,
       "paypro_mirror_subscriptions",
       {"customer", "mandate", "currency", "state", "start_at", "cancel_at", "created_at"},
       [](const Resource& resource) -> MirrorValues {
         const auto& r = As<Subscription>(resource);
         return {r.customer,       r.mandate,         r.currency,        r.state,
                 Time(r.start_at), Time(r.cancel_at), Time(r.created_at)};
       }});
  tables.push_back({ResourceKind::kSubscriptionPeriod,
                    "paypro_mirror_subscription_periods",
                    {"subscription", "amount", "state", "period_start", "period_end", "created_at"},
                    [](const Resource& resource) -> MirrorValues {
                      const auto& r = As<SubscriptionPeriod>(resource);
                      return {r.subscription,       Number(r.amount),   r.state,
                              Time(r.period_start), Time(r.period_end), Time(r.created_at)};
                    }});
  tables.push_back({ResourceKind::kInstallmentPlan,
                    "paypro_mirror_installment_plans",
                    {"customer", "mandate", "currency", "number_of_periods", "state", "created_at"},
                    [](const Resource& resource) -> MirrorValues {
                      const auto& r = As<InstallmentPlan>(resource);
                      return {r.customer, r.mandate,
                              r.currency, Number(r.number_of_periods),
                              r.state,    Time(r.created_at)};
                    }});
  tables.push_back({ResourceKind::kInstallmentPlanPeriod,
                    "paypro_mirror_installment_plan_periods",
                    {"installment_plan", "amount", "state", "created_at"},
                    [](const Resource& resource) -> MirrorValues {
                      const auto& r = As<InstallmentPlanPeriod>(resource);
                      return {r.installment_plan, Number(r.amount), r.state, Time(r.created_at)};
                    }});
  tables.push_back({ResourceKind::kPayout,
                    "paypro_mirror_payouts",
                    {"amount", "currency", "state", "created_at"},
                    [](const Resource& resource) -> MirrorValues {
                      const auto& r = As<Payout>(resource);
                      return {Number(r.amount), r.currency, r.state, Time(r.created_at)};
                    }});
  return tables;
}

}  // namespace

std::span<const MirrorTable> AllMirrorTables() {
  static const std::vector<MirrorTable> tables = MakeTables();
  return tables;
}

const MirrorTable* FindMirrorTable(ResourceKind kind) {
  for (const MirrorTable& table : AllMirrorTables()) {
    if (table.kind == kind) return &table;
  }
  return nullptr;
}

std::string BuildMirrorUpsert(const MirrorTable& table) {
  std::string names = "id";
  std::string placeholders = "$1";
  std::string updates;
  int index = 1;
  for (const std::string_view column : table.columns) {
    names += fmt::format(", {}", column);
    placeholders += fmt::format(", ${}", ++index);
    updates += fmt::format("{} = EXCLUDED.{}, ", column, column);
  }
  names += ", resource, last_event_id, last_event_type, last_event_at";
  placeholders += fmt::format(", ${}::jsonb, ${}, ${}, ${}::timestamptz", index + 1, index + 2,
                              index + 3, index + 4);
  return fmt::format(
      "INSERT INTO {0} ({1}) VALUES ({2}) ON CONFLICT (id) DO UPDATE SET {3}"
      "resource = EXCLUDED.resource, last_event_id = EXCLUDED.last_event_id,"
      " last_event_type = EXCLUDED.last_event_type, last_event_at = EXCLUDED.last_event_at,"
      " updated_at = now()"
      " WHERE {0}.last_event_at < EXCLUDED.last_event_at"
      " OR ({0}.last_event_at = EXCLUDED.last_event_at"
      " AND {0}.last_event_id COLLATE \"C\" < EXCLUDED.last_event_id COLLATE \"C\")",
      table.name, names, placeholders, updates);
}

}  // namespace webhookd
