// Migration 2: the tables the `mirror` handler keeps PayPro resources in.
#pragma once

#include <string_view>

namespace webhookd {

/// One table per resource kind, keyed by the resource id. Key fields are typed
/// columns named after the payload's keys; `resource` is the whole payload.
/// `last_event_at` (the event's created_at) and `last_event_id` are the row's
/// version: the mirror only overwrites a row with a newer event (see
/// handlers/mirror_tables.hpp). Released: never edit, add a migration instead.
constexpr std::string_view kMirrorTables = R"sql(
CREATE TABLE paypro_mirror_payments (
  id              text PRIMARY KEY,
  amount          bigint,
  currency        text,
  state           text,
  refunded_amount bigint,
  paid_at         timestamptz,
  created_at      timestamptz,
  resource        jsonb NOT NULL,
  last_event_id   text NOT NULL,
  last_event_type text NOT NULL,
  last_event_at   timestamptz NOT NULL,
  updated_at      timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE paypro_mirror_refunds (
  id              text PRIMARY KEY,
  payment         text,
  amount          bigint,
  state           text,
  created_at      timestamptz,
  resource        jsonb NOT NULL,
  last_event_id   text NOT NULL,
  last_event_type text NOT NULL,
  last_event_at   timestamptz NOT NULL,
  updated_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX paypro_mirror_refunds_payment ON paypro_mirror_refunds (payment);

CREATE TABLE paypro_mirror_chargebacks (
  id              text PRIMARY KEY,
  payment         text,
  amount          bigint,
  currency        text,
  state           text,
  reason          text,
  charged_back_at timestamptz,
  created_at      timestamptz,
  resource        jsonb NOT NULL,
  last_event_id   text NOT NULL,
  last_event_type text NOT NULL,
  last_event_at   timestamptz NOT NULL,
  updated_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX paypro_mirror_chargebacks_payment ON paypro_mirror_chargebacks (payment);

CREATE TABLE paypro_mirror_customers (
  id              text PRIMARY KEY,
  email           text,
  country         text,
  created_at      timestamptz,
  resource        jsonb NOT NULL,
  last_event_id   text NOT NULL,
  last_event_type text NOT NULL,
  last_event_at   timestamptz NOT NULL,
  updated_at      timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE paypro_mirror_mandates (
  id              text PRIMARY KEY,
  customer        text,
  state           text,
  created_at      timestamptz,
  resource        jsonb NOT NULL,
  last_event_id   text NOT NULL,
  last_event_type text NOT NULL,
  last_event_at   timestamptz NOT NULL,
  updated_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX paypro_mirror_mandates_customer ON paypro_mirror_mandates (customer);

CREATE TABLE paypro_mirror_subscriptions (
  id              text PRIMARY KEY,
  customer        text,
  mandate         text,
  currency        text,
  state           text,
  start_at        timestamptz,
  cancel_at       timestamptz,
  created_at      timestamptz,
  resource        jsonb NOT NULL,
  last_event_id   text NOT NULL,
  last_event_type text NOT NULL,
  last_event_at   timestamptz NOT NULL,
  updated_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX paypro_mirror_subscriptions_customer ON paypro_mirror_subscriptions (customer);

CREATE TABLE paypro_mirror_subscription_periods (
  id              text PRIMARY KEY,
  subscription    text,
  amount          bigint,
  state           text,
  period_start    timestamptz,
  period_end      timestamptz,
  created_at      timestamptz,
  resource        jsonb NOT NULL,
  last_event_id   text NOT NULL,
  last_event_type text NOT NULL,
  last_event_at   timestamptz NOT NULL,
  updated_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX paypro_mirror_subscription_periods_subscription
  ON paypro_mirror_subscription_periods (subscription);

CREATE TABLE paypro_mirror_installment_plans (
  id                text PRIMARY KEY,
  customer          text,
  mandate           text,
  currency          text,
  number_of_periods bigint,
  state             text,
  created_at        timestamptz,
  resource          jsonb NOT NULL,
  last_event_id     text NOT NULL,
  last_event_type   text NOT NULL,
  last_event_at     timestamptz NOT NULL,
  updated_at        timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX paypro_mirror_installment_plans_customer ON paypro_mirror_installment_plans (customer);

CREATE TABLE paypro_mirror_installment_plan_periods (
  id               text PRIMARY KEY,
  installment_plan text,
  amount           bigint,
  state            text,
  created_at       timestamptz,
  resource         jsonb NOT NULL,
  last_event_id    text NOT NULL,
  last_event_type  text NOT NULL,
  last_event_at    timestamptz NOT NULL,
  updated_at       timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX paypro_mirror_installment_plan_periods_plan
  ON paypro_mirror_installment_plan_periods (installment_plan);

CREATE TABLE paypro_mirror_payouts (
  id              text PRIMARY KEY,
  amount          bigint,
  currency        text,
  state           text,
  created_at      timestamptz,
  resource        jsonb NOT NULL,
  last_event_id   text NOT NULL,
  last_event_type text NOT NULL,
  last_event_at   timestamptz NOT NULL,
  updated_at      timestamptz NOT NULL DEFAULT now()
);
)sql";

}  // namespace webhookd
