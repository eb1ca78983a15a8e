// The event factory's transitions: one function per event type, each picking
// its subject (from a pool, or freshly made) and moving it to the new state.
#include "sandbox/event_factory.hpp"

namespace webhookd::sandbox {

const std::vector<EventFactory::Step>& EventFactory::Steps() {
  // Weights give a plausible account: mostly payments, some customers and
  // payouts, a few refunds, chargebacks and undocumented types.
  static const std::vector<Step> steps = {
      {"payment.created", &EventFactory::PaymentCreated, 22, ""},
      {"payment.started", &EventFactory::PaymentStarted, 14, "payment.created"},
      {"payment.paid", &EventFactory::PaymentPaid, 14, "payment.created"},
      {"payment.canceled", &EventFactory::PaymentCanceled, 4, "payment.created"},
      {"refund.created", &EventFactory::RefundCreated, 4, "payment.paid"},
      {"refund.paid", &EventFactory::RefundPaid, 3, "refund.created"},
      {"chargeback.created", &EventFactory::ChargebackCreated, 2, "payment.paid"},
      {"customer.created", &EventFactory::CustomerCreated, 7, ""},
      {"customer.updated", &EventFactory::CustomerUpdated, 5, "customer.created"},
      {"mandate.created", &EventFactory::MandateCreated, 3, ""},
      {"subscription.updated", &EventFactory::SubscriptionUpdated, 4, ""},
      {"subscription_period.created", &EventFactory::SubscriptionPeriodCreated, 3, ""},
      {"installment_plan.created", &EventFactory::InstallmentPlanCreated, 2, ""},
      {"installment_plan_period.paid", &EventFactory::InstallmentPlanPeriodPaid, 2,
       "installment_plan.created"},
      {"payout.created", &EventFactory::PayoutCreated, 4, ""},
      {"payout.approved", &EventFactory::PayoutApproved, 3, "payout.created"},
      {"payout.rejected", &EventFactory::PayoutRejected, 1, "payout.created"},
      {"payout.paid", &EventFactory::PayoutPaid, 2, "payout.approved"},
      {"payout.failed", &EventFactory::PayoutFailed, 1, "payout.approved"},
  };
  return steps;
}

Resource* EventFactory::PaymentCreated(bool, int64_t now) {
  Resource& payment = NewResource(ResourceKind::kPayment);
  payment.amount = Amount();
  payment.number = ++order_number_;
  payment.description = "Order " + std::to_string(payment.number);
  payment.state = "open";
  payment.created_at = Tick(payment, now);
  open_payments_.Add(&payment, rng_);
  return &payment;
}

Resource* EventFactory::PaymentStarted(bool fresh, int64_t now) {
  Resource* payment = fresh ? &SilentPayment("open", now) : open_payments_.Take(rng_);
  if (payment == nullptr) return nullptr;
  Tick(*payment, now);
  payment->state = "initialized";
  started_payments_.Add(payment, rng_);
  return payment;
}

Resource* EventFactory::PaymentPaid(bool fresh, int64_t now) {
  Resource* payment = fresh ? &SilentPayment("initialized", now) : started_payments_.Take(rng_);
  if (payment == nullptr) payment = open_payments_.Take(rng_);
  if (payment == nullptr) return nullptr;
  payment->settled_at = Tick(*payment, now);
  payment->state = "paid";
  paid_payments_.Add(payment, rng_);
  return payment;
}

Resource* EventFactory::PaymentCanceled(bool fresh, int64_t now) {
  Resource* payment = fresh ? &SilentPayment("open", now) : open_payments_.Take(rng_);
  if (payment == nullptr) payment = started_payments_.Take(rng_);
  if (payment == nullptr) return nullptr;
  Tick(*payment, now);
  payment->state = "canceled";
  return payment;
}

Resource* EventFactory::RefundCreated(bool fresh, int64_t now) {
  Resource* payment = PaidPayment(fresh, now);
  if (payment == nullptr) return nullptr;
  Resource& refund = NewResource(ResourceKind::kRefund);
  refund.parent = payment->id;
  refund.amount = payment->amount / 2;
  refund.description = "Refund " + payment->description;
  refund.state = "pending";
  refund.created_at = Tick(refund, now);
  pending_refunds_.Add(&refund, rng_);
  return &refund;
}

Resource* EventFactory::RefundPaid(bool fresh, int64_t now) {
  Resource* refund = nullptr;
  if (fresh) {
    const Resource& payment = SilentPayment("paid", now);
    refund = &Silent(ResourceKind::kRefund, "pending", now);
    refund->parent = payment.id;
    refund->amount = payment.amount / 2;
    refund->description = "Refund " + payment.description;
  } else {
    refund = pending_refunds_.Take(rng_);
  }
  if (refund == nullptr) return nullptr;
  refund->settled_at = Tick(*refund, now);
  refund->state = "paid";
  return refund;
}

Resource* EventFactory::ChargebackCreated(bool fresh, int64_t now) {
  Resource* payment = PaidPayment(fresh, now);
  if (payment == nullptr) return nullptr;
  Resource& chargeback = NewResource(ResourceKind::kChargeback);
  chargeback.parent = payment->id;
  chargeback.amount = payment->amount;
  chargeback.description = payment->description;
  chargeback.state = "completed";
  chargeback.created_at = chargeback.settled_at = Tick(chargeback, now);
  return &chargeback;
}

Resource* EventFactory::CustomerCreated(bool, int64_t now) {
  Resource& customer = NewResource(ResourceKind::kCustomer);
  customer.number = ++customer_number_;
  customer.created_at = Tick(customer, now);
  customers_.Add(&customer, rng_);
  return &customer;
}

Resource* EventFactory::CustomerUpdated(bool fresh, int64_t now) {
  Resource* customer = fresh ? &SilentCustomer(now) : customers_.Peek(rng_);
  if (customer == nullptr) return nullptr;
  Tick(*customer, now);
  ++customer->revision;
  return customer;
}

Resource* EventFactory::MandateCreated(bool fresh, int64_t now) {
  const std::string customer = CustomerFor(fresh, now)->id;
  Resource& mandate = NewResource(ResourceKind::kMandate);
  mandate.customer = customer;
  mandate.state = "valid";
  mandate.created_at = Tick(mandate, now);
  return &mandate;
}

Resource* EventFactory::SubscriptionUpdated(bool fresh, int64_t now) {
  // A merchant has many subscriptions: one update in four is to one not seen
  // before, so that updates spread instead of piling onto the first one.
  Resource* subscription = fresh || rng_() % 4 == 0 ? nullptr : subscriptions_.Peek(rng_);
  if (subscription == nullptr) {
    subscription = &SilentSubscription(fresh, now);
    if (!fresh) subscriptions_.Add(subscription, rng_);
  }
  Tick(*subscription, now);
  subscription->state = subscription->state == "active" ? "paused" : "active";
  ++subscription->revision;
  return subscription;
}

Resource* EventFactory::SubscriptionPeriodCreated(bool fresh, int64_t now) {
  Resource* subscription = fresh ? nullptr : subscriptions_.Peek(rng_);
  if (subscription == nullptr) subscription = &SilentSubscription(fresh, now);
  const std::string subscription_id = subscription->id;
  const int64_t amount = subscription->amount;
  Resource& period = NewResource(ResourceKind::kSubscriptionPeriod);
  period.parent = subscription_id;
  period.amount = amount;
  period.description = "Period of " + subscription_id;
  period.state = "pending";
  period.created_at = Tick(period, now);
  return &period;
}

Resource* EventFactory::InstallmentPlanCreated(bool fresh, int64_t now) {
  Resource& owner = *CustomerFor(fresh, now);
  const std::string customer = owner.id;
  const std::string mandate = SilentMandate(owner, now).id;
  Resource& plan = NewResource(ResourceKind::kInstallmentPlan);
  plan.customer = customer;
  plan.mandate = mandate;
  plan.amount = Amount();
  plan.description = "Installments for " + customer;
  plan.state = "active";
  plan.created_at = Tick(plan, now);
  installment_plans_.Add(&plan, rng_);
  return &plan;
}

Resource* EventFactory::InstallmentPlanPeriodPaid(bool fresh, int64_t now) {
  Resource* plan = fresh ? &SilentInstallmentPlan(true, now) : installment_plans_.Peek(rng_);
  if (plan == nullptr) return nullptr;
  const std::string plan_id = plan->id;
  const int64_t amount = plan->amount;
  Resource& period = Silent(ResourceKind::kInstallmentPlanPeriod, "pending", now);
  period.parent = plan_id;
  period.amount = amount;
  period.description = "Installment of " + plan_id;
  period.settled_at = Tick(period, now);
  period.state = "paid";
  return &period;
}

Resource* EventFactory::PayoutCreated(bool, int64_t now) {
  Resource& payout = NewResource(ResourceKind::kPayout);
  payout.amount = Amount() * 20;
  payout.description = "Payout " + payout.id;
  payout.state = "pending";
  payout.created_at = Tick(payout, now);
  pending_payouts_.Add(&payout, rng_);
  return &payout;
}

Resource& EventFactory::SilentPayout(std::string state, int64_t now) {
  Resource& payout = Silent(ResourceKind::kPayout, std::move(state), now);
  payout.amount = Amount() * 20;
  payout.description = "Payout " + payout.id;
  return payout;
}

Resource* EventFactory::PayoutDecided(bool fresh, int64_t now, std::string_view state) {
  Resource* payout = fresh ? &SilentPayout("pending", now) : pending_payouts_.Take(rng_);
  if (payout == nullptr) return nullptr;
  Tick(*payout, now);
  payout->state = state;
  if (state == "approved") approved_payouts_.Add(payout, rng_);
  return payout;
}

Resource* EventFactory::PayoutSettled(bool fresh, int64_t now, std::string_view state) {
  Resource* payout = fresh ? &SilentPayout("approved", now) : approved_payouts_.Take(rng_);
  if (payout == nullptr) return nullptr;
  const int64_t at = Tick(*payout, now);
  payout->state = state;
  if (state == "paid") payout->settled_at = at;
  return payout;
}

Resource* EventFactory::PayoutApproved(bool fresh, int64_t now) {
  return PayoutDecided(fresh, now, "approved");
}
Resource* EventFactory::PayoutRejected(bool fresh, int64_t now) {
  return PayoutDecided(fresh, now, "rejected");
}
Resource* EventFactory::PayoutPaid(bool fresh, int64_t now) {
  return PayoutSettled(fresh, now, "paid");
}
Resource* EventFactory::PayoutFailed(bool fresh, int64_t now) {
  return PayoutSettled(fresh, now, "failed");
}

}  // namespace webhookd::sandbox
