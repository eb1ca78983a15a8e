// The event factory's driver: type selection, ids, clocks and silent set-up.
// The per-type transitions are in event_factory_steps.cpp.
#include "sandbox/event_factory.hpp"

#include <algorithm>
#include <stdexcept>

#include "sandbox/resource_json.hpp"

namespace webhookd::sandbox {

namespace {

constexpr std::string_view kIdAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
constexpr size_t kEventIdLength = 20;
constexpr int kWeightTotal = 100;

}  // namespace

EventFactory::EventFactory(uint64_t seed) : rng_(seed) {}

const EventFactory::Step& EventFactory::StepFor(std::string_view type) {
  for (const Step& step : Steps()) {
    if (step.type == type) return step;
  }
  throw std::logic_error("no generator for event type " + std::string(type));
}

void EventFactory::Generate(const EventMix& mix, size_t count, int64_t now,
                            std::vector<NewEvent>& out) {
  out.reserve(out.size() + count);
  for (size_t i = 0; i < count; ++i) {
    switch (mix.kind) {
      case MixKind::kSingle: {
        const Step& step = StepFor(mix.type);
        out.push_back(Emit(step.type, *(this->*step.run)(true, now)));
        break;
      }
      case MixKind::kMixed:
        GenerateMixed(now, out);
        break;
      case MixKind::kLifecycle:
        GenerateLifecycle(now, out);
        break;
    }
  }
}

void EventFactory::GenerateMixed(int64_t now, std::vector<NewEvent>& out) {
  int draw = static_cast<int>(rng_() % kWeightTotal);
  const Step* step = &Steps().front();
  for (const Step& candidate : Steps()) {
    if (draw < candidate.weight) {
      step = &candidate;
      break;
    }
    draw -= candidate.weight;
  }
  // A step finds no resource in the state it needs (no open payment to
  // start, say): the step before it in the lifecycle happens instead.
  for (;;) {
    if (Resource* subject = (this->*step->run)(false, now)) {
      out.push_back(Emit(step->type, *subject));
      return;
    }
    step = &StepFor(step->fallback);
  }
}

void EventFactory::GenerateLifecycle(int64_t now, std::vector<NewEvent>& out) {
  // The lifecycle payment stays out of the pools until paid, so a mixed batch
  // in between cannot advance it out of order.
  Resource* payment = lifecycle_payment_;
  switch (lifecycle_step_) {
    case 0:
      payment = lifecycle_payment_ = &NewResource(ResourceKind::kPayment);
      payment->amount = Amount();
      payment->number = ++order_number_;
      payment->description = "Order " + std::to_string(payment->number);
      payment->state = "open";
      payment->created_at = Tick(*payment, now);
      out.push_back(Emit("payment.created", *payment));
      break;
    case 1:
      Tick(*payment, now);
      payment->state = "initialized";
      out.push_back(Emit("payment.started", *payment));
      break;
    default:
      payment->settled_at = Tick(*payment, now);
      payment->state = "paid";
      paid_payments_.Add(payment, rng_);
      out.push_back(Emit("payment.paid", *payment));
      lifecycle_payment_ = nullptr;
      break;
  }
  lifecycle_step_ = (lifecycle_step_ + 1) % 3;
}

NewEvent EventFactory::Emit(std::string_view type, const Resource& subject) {
  NewEvent event;
  event.id = NewEventId();
  event.type = type;
  event.created_at = subject.clock;
  event.resource_id = subject.id;
  event.payload = ResourceTemplate(subject);
  return event;
}

const Resource* EventFactory::Find(std::string_view id) const {
  const auto found = resources_.find(id);
  return found == resources_.end() ? nullptr : &found->second;
}

std::string EventFactory::RandomId(std::string_view prefix, size_t length) {
  std::string id;
  id.reserve(length);
  id.append(prefix);
  while (id.size() < length) id.push_back(kIdAlphabet[rng_() % kIdAlphabet.size()]);
  return id;
}

std::string EventFactory::NewEventId() { return RandomId("EV", kEventIdLength); }

Resource& EventFactory::NewResource(ResourceKind kind) {
  const ResourceKindInfo& info = InfoFor(kind);
  for (;;) {
    std::string id = RandomId(info.id_prefix, info.id_length);
    if (resources_.contains(id)) continue;
    Resource& resource = resources_[id];
    resource.kind = kind;
    resource.id = std::move(id);
    return resource;
  }
}

int64_t EventFactory::Tick(Resource& resource, int64_t now) {
  resource.clock = std::max(now, resource.clock + 1);
  return resource.clock;
}

int64_t EventFactory::Amount() { return 500 + static_cast<int64_t>(rng_() % 50) * 250; }

Resource& EventFactory::Silent(ResourceKind kind, std::string state, int64_t now) {
  Resource& resource = NewResource(kind);
  resource.state = std::move(state);
  // Created a while ago, without an event we show: the sandbox's "before".
  resource.created_at = now - 60 - static_cast<int64_t>(rng_() % 3540);
  resource.clock = resource.created_at;
  return resource;
}

Resource& EventFactory::SilentPayment(std::string state, int64_t now) {
  const bool paid = state == "paid";
  Resource& payment = Silent(ResourceKind::kPayment, std::move(state), now);
  payment.amount = Amount();
  payment.number = ++order_number_;
  payment.description = "Order " + std::to_string(payment.number);
  if (paid) payment.settled_at = payment.clock = payment.created_at + 30;
  return payment;
}

Resource& EventFactory::SilentCustomer(int64_t now) {
  Resource& customer = Silent(ResourceKind::kCustomer, "", now);
  customer.number = ++customer_number_;
  return customer;
}

Resource& EventFactory::SilentMandate(Resource& customer, int64_t now) {
  Resource& mandate = Silent(ResourceKind::kMandate, "valid", now);
  mandate.customer = customer.id;
  return mandate;
}

Resource& EventFactory::SilentSubscription(bool fresh, int64_t now) {
  Resource& customer = *CustomerFor(fresh, now);
  const std::string mandate = SilentMandate(customer, now).id;
  Resource& subscription = Silent(ResourceKind::kSubscription, "active", now);
  subscription.customer = customer.id;
  subscription.mandate = mandate;
  subscription.amount = Amount();
  subscription.description = "Monthly plan " + std::to_string(customer.number);
  return subscription;
}

Resource& EventFactory::SilentInstallmentPlan(bool fresh, int64_t now) {
  Resource& customer = *CustomerFor(fresh, now);
  const std::string mandate = SilentMandate(customer, now).id;
  Resource& plan = Silent(ResourceKind::kInstallmentPlan, "active", now);
  plan.customer = customer.id;
  plan.mandate = mandate;
  plan.amount = Amount();
  plan.description = "Installments " + std::to_string(customer.number);
  return plan;
}

Resource* EventFactory::PaidPayment(bool fresh, int64_t now) {
  return fresh ? &SilentPayment("paid", now) : paid_payments_.Peek(rng_);
}

Resource* EventFactory::CustomerFor(bool fresh, int64_t now) {
  Resource* customer = fresh ? nullptr : customers_.Peek(rng_);
  return customer != nullptr ? customer : &SilentCustomer(now);
}

}  // namespace webhookd::sandbox
