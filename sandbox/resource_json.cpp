// Field lists per resource kind, after the reference's response samples.
#include "sandbox/resource_json.hpp"

#include <array>

#include "core/json_writer.hpp"
#include "sandbox/base_template.hpp"
#include "sandbox/rfc3339.hpp"

namespace webhookd::sandbox {

namespace {

constexpr std::array<std::string_view, 6> kFirstNames = {"Anna", "Bram", "Chloe",
                                                         "Daan", "Emma", "Finn"};
constexpr std::array<std::string_view, 6> kLastNames = {"de Vries", "Jansen", "Bakker",
                                                        "Visser",   "Smit",   "Meijer"};
constexpr std::array<std::string_view, 4> kCities = {"Amsterdam", "Utrecht", "Rotterdam",
                                                     "Eindhoven"};

void Time(JsonWriter& json, std::string_view key, int64_t unix_seconds) {
  json.Key(key);
  if (unix_seconds == 0) {
    json.Null();
  } else {
    json.String(FormatRfc3339(unix_seconds));
  }
}

void NullableString(JsonWriter& json, std::string_view key, std::string_view value) {
  json.Key(key);
  if (value.empty()) {
    json.Null();
  } else {
    json.String(value);
  }
}

// Ids are letters and digits, so the link needs no escaping beyond the marker.
void Link(JsonWriter& json, std::string_view key, ResourceKind kind, std::string_view id) {
  std::string value = "\"";
  value.push_back(kBaseMarker);
  value.append("/").append(InfoFor(kind).collection).append("/").append(id).append("\"");
  json.Key(key).Raw(value);
}

void Head(JsonWriter& json, const Resource& r) {
  json.Key("id").String(r.id).Key("type").String(InfoFor(r.kind).type);
}

void Period(JsonWriter& json, int64_t amount) {
  json.Key("period").BeginObject().Key("amount").Int(amount).Key("interval").String("month");
  json.Key("interval_count").Int(1).EndObject();
}

void Payment(JsonWriter& json, const Resource& r) {
  json.Key("amount").Int(r.amount);
  json.Key("description").String(r.description);
  json.Key("currency").String("EUR");
  json.Key("pay_method").BeginObject();
  json.Key("id").String("ideal");
  json.Key("name").String("iDEAL").EndObject();
  json.Key("state").String(r.state).Key("refunded_amount").Int(0);
  json.Key("metadata").BeginObject().Key("order_id").String(std::to_string(r.number)).EndObject();
  NullableString(json, "customer", r.customer);
  Time(json, "paid_at", r.settled_at);
  Time(json, "created_at", r.created_at);
  json.Key("_links").BeginObject();
  Link(json, "self", ResourceKind::kPayment, r.id);
  json.EndObject();
}

void Customer(JsonWriter& json, const Resource& r) {
  const size_t n = static_cast<size_t>(r.number);
  const std::string_view first = kFirstNames[n % kFirstNames.size()];
  const std::string_view last = kLastNames[(n / kFirstNames.size()) % kLastNames.size()];
  json.Key("email").String("customer" + std::to_string(r.number) + "@example.nl");
  json.Key("first_name").String(first).Key("last_name").String(last);
  json.Key("address").String("Kerkstraat " + std::to_string(1 + r.revision + n % 200));
  json.Key("postal").String(std::to_string(1000 + n % 9000) + "AA");
  json.Key("city").String(kCities[static_cast<size_t>(r.revision) % kCities.size()]);
  json.Key("country").String("NL").Key("vat_number").Null().Key("company_name").Null();
  const size_t phone = 10000000 + (n * 7919 + static_cast<size_t>(r.revision)) % 89999999;
  json.Key("phone_number").String("06" + std::to_string(phone));
  Time(json, "created_at", r.created_at);
  json.Key("_links").BeginObject();
  Link(json, "self", ResourceKind::kCustomer, r.id);
  json.EndObject();
}

// Refunds and chargebacks: money going back, tied to a payment.
void Reversal(JsonWriter& json, const Resource& r) {
  const bool refund = r.kind == ResourceKind::kRefund;
  json.Key("amount").Int(r.amount).Key("description").String(r.description);
  json.Key("reason").String(refund ? "Customer requested" : "MD06");
  json.Key("payment").String(r.parent).Key("currency").String("EUR").Key("state").String(r.state);
  Time(json, refund ? "refunded_at" : "charged_back_at", r.settled_at);
  Time(json, "created_at", r.created_at);
  json.Key("_links").BeginObject();
  Link(json, "self", r.kind, r.id);
  Link(json, "payment", ResourceKind::kPayment, r.parent);
  json.EndObject();
}

void Mandate(JsonWriter& json, const Resource& r) {
  json.Key("customer").String(r.customer).Key("pay_method").String("direct-debit");
  json.Key("state").String(r.state).Key("iban").String("NL47ABNA0612205029");
  json.Key("account_holder_name").String("PayPro");
  Time(json, "created_at", r.created_at);
  json.Key("_links").BeginObject();
  Link(json, "self", ResourceKind::kMandate, r.id);
  Link(json, "customer", ResourceKind::kCustomer, r.customer);
  json.EndObject();
}

void Subscription(JsonWriter& json, const Resource& r) {
  json.Key("description").String(r.description).Key("currency").String("EUR");
  json.Key("subscription_type").String("direct_debit").Key("state").String(r.state);
  json.Key("start_at").Null();
  Time(json, "created_at", r.created_at);
  json.Key("cancel_at").Null().Key("customer").String(r.customer).Key("mandate").String(r.mandate);
  json.Key("scheduling").String("automatic");
  Period(json, r.amount);
  json.Key("first_period").Null();
  json.Key("payment_details").BeginObject().Key("description").String(r.description).EndObject();
  json.Key("metadata").BeginObject().EndObject();
  json.Key("_links").BeginObject();
  Link(json, "self", ResourceKind::kSubscription, r.id);
  Link(json, "customer", ResourceKind::kCustomer, r.customer);
  json.EndObject();
}

void InstallmentPlan(JsonWriter& json, const Resource& r) {
  json.Key("description").String(r.description);
  json.Key("currency").String("EUR");
  json.Key("state").String(r.state);
  json.Key("customer").String(r.customer).Key("mandate").String(r.mandate);
  json.Key("number_of_periods").Int(5);
  Period(json, r.amount);
  json.Key("metadata").BeginObject().EndObject();
  Time(json, "created_at", r.created_at);
  json.Key("_links").BeginObject();
  Link(json, "self", ResourceKind::kInstallmentPlan, r.id);
  Link(json, "customer", ResourceKind::kCustomer, r.customer);
  json.EndObject();
}

// Subscription periods and installment plan periods: one instalment each.
void PlanPeriod(JsonWriter& json, const Resource& r) {
  const bool subscription = r.kind == ResourceKind::kSubscriptionPeriod;
  const ResourceKind parent =
      subscription ? ResourceKind::kSubscription : ResourceKind::kInstallmentPlan;
  json.Key(InfoFor(parent).type).String(r.parent);
  json.Key("amount").Int(r.amount);
  json.Key("currency").String("EUR");
  json.Key("description").String(r.description);
  json.Key("state").String(r.state);
  Time(json, "paid_at", r.settled_at);
  Time(json, "created_at", r.created_at);
  json.Key("_links").BeginObject();
  Link(json, "self", r.kind, r.id);
  Link(json, InfoFor(parent).type, parent, r.parent);
  json.EndObject();
}

void Payout(JsonWriter& json, const Resource& r) {
  json.Key("amount").Int(r.amount);
  json.Key("currency").String("EUR");
  json.Key("description").String(r.description);
  json.Key("state").String(r.state).Key("iban").String("NL02ABNA0123456789");
  json.Key("account_holder_name").String("PayPro Merchant");
  Time(json, "paid_at", r.settled_at);
  Time(json, "created_at", r.created_at);
  json.Key("_links").BeginObject();
  Link(json, "self", ResourceKind::kPayout, r.id);
  json.EndObject();
}

}  // namespace

std::string ResourceTemplate(const Resource& resource) {
  JsonWriter json;
  json.BeginObject();
  Head(json, resource);
  switch (resource.kind) {
    case ResourceKind::kPayment:
      Payment(json, resource);
      break;
    case ResourceKind::kRefund:
    case ResourceKind::kChargeback:
      Reversal(json, resource);
      break;
    case ResourceKind::kCustomer:
      Customer(json, resource);
      break;
    case ResourceKind::kMandate:
      Mandate(json, resource);
      break;
    case ResourceKind::kSubscription:
      Subscription(json, resource);
      break;
    case ResourceKind::kInstallmentPlan:
      InstallmentPlan(json, resource);
      break;
    case ResourceKind::kSubscriptionPeriod:
    case ResourceKind::kInstallmentPlanPeriod:
      PlanPeriod(json, resource);
      break;
    case ResourceKind::kPayout:
      Payout(json, resource);
      break;
  }
  json.EndObject();
  return json.Take();
}

}  // namespace webhookd::sandbox
