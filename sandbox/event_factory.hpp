// Simulates a PayPro account: resources that change and the events they cause.
#pragma once

#include <cstdint>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "sandbox/event_mix.hpp"
#include "sandbox/resource.hpp"
#include "sandbox/resource_pool.hpp"
#include "sandbox/string_hash.hpp"

namespace webhookd::sandbox {

/// One generated event, before the store numbers it.
struct NewEvent {
  std::string id;           ///< "EV" + 18 uppercase letters or digits
  std::string_view type;    ///< static storage, e.g. "payment.paid"
  int64_t created_at = 0;   ///< Unix seconds
  std::string resource_id;  ///< the resource in `payload`
  std::string payload;      ///< the resource as it was then (ResourceTemplate)
};

/// Owns every resource and moves them through their lifecycles. Not
/// thread-safe: the event store serialises calls. Seeded, so tests and
/// benchmarks can replay the same account.
class EventFactory {
 public:
  explicit EventFactory(uint64_t seed);

  /// Appends `count` events of `mix` to `out`. `now` is the wall clock in
  /// Unix seconds; an event about a resource is at least one second after the
  /// previous event about it, even if that runs ahead of `now`.
  void Generate(const EventMix& mix, size_t count, int64_t now, std::vector<NewEvent>& out);

  /// The current state of a resource; nullptr when unknown. Valid until the
  /// next Generate.
  const Resource* Find(std::string_view id) const;

  size_t resource_count() const { return resources_.size(); }

  /// A fresh random event id.
  std::string NewEventId();

 private:
  using StepFn = Resource* (EventFactory::*)(bool fresh, int64_t now);
  struct Step {
    std::string_view type;
    StepFn run;
    int weight;                 ///< share in the mixed stream, out of 100
    std::string_view fallback;  ///< what to do instead when no resource fits
  };
  static const std::vector<Step>& Steps();
  static const Step& StepFor(std::string_view type);

  NewEvent Emit(std::string_view type, const Resource& subject);
  void GenerateMixed(int64_t now, std::vector<NewEvent>& out);
  void GenerateLifecycle(int64_t now, std::vector<NewEvent>& out);

  std::string RandomId(std::string_view prefix, size_t length);
  Resource& NewResource(ResourceKind kind);
  Resource& Silent(ResourceKind kind, std::string state, int64_t now);
  static int64_t Tick(Resource& resource, int64_t now);
  int64_t Amount();

  Resource& SilentPayment(std::string state, int64_t now);
  Resource& SilentCustomer(int64_t now);
  Resource& SilentMandate(Resource& customer, int64_t now);
  Resource& SilentSubscription(bool fresh, int64_t now);
  Resource& SilentInstallmentPlan(bool fresh, int64_t now);
  Resource& SilentPayout(std::string state, int64_t now);
  Resource* PaidPayment(bool fresh, int64_t now);
  Resource* CustomerFor(bool fresh, int64_t now);

  Resource* PaymentCreated(bool fresh, int64_t now);
  Resource* PaymentStarted(bool fresh, int64_t now);
  Resource* PaymentPaid(bool fresh, int64_t now);
  Resource* PaymentCanceled(bool fresh, int64_t now);
  Resource* RefundCreated(bool fresh, int64_t now);
  Resource* RefundPaid(bool fresh, int64_t now);
  Resource* ChargebackCreated(bool fresh, int64_t now);
  Resource* CustomerCreated(bool fresh, int64_t now);
  Resource* CustomerUpdated(bool fresh, int64_t now);
  Resource* MandateCreated(bool fresh, int64_t now);
  Resource* SubscriptionUpdated(bool fresh, int64_t now);
  Resource* SubscriptionPeriodCreated(bool fresh, int64_t now);
  Resource* InstallmentPlanCreated(bool fresh, int64_t now);
  Resource* InstallmentPlanPeriodPaid(bool fresh, int64_t now);
  Resource* PayoutCreated(bool fresh, int64_t now);
  Resource* PayoutApproved(bool fresh, int64_t now);
  Resource* PayoutRejected(bool fresh, int64_t now);
  Resource* PayoutPaid(bool fresh, int64_t now);
  Resource* PayoutFailed(bool fresh, int64_t now);
  Resource* PayoutDecided(bool fresh, int64_t now, std::string_view state);
  Resource* PayoutSettled(bool fresh, int64_t now, std::string_view state);

  std::mt19937_64 rng_;
  StringMap<Resource> resources_;
  int64_t order_number_ = 1000;
  int64_t customer_number_ = 0;

  ResourcePool open_payments_;
  ResourcePool started_payments_;
  ResourcePool paid_payments_;
  ResourcePool pending_refunds_;
  ResourcePool customers_;
  ResourcePool subscriptions_;
  ResourcePool installment_plans_;
  ResourcePool pending_payouts_;
  ResourcePool approved_payouts_;

  Resource* lifecycle_payment_ = nullptr;  ///< the payment a lifecycle batch is walking
  int lifecycle_step_ = 0;                 ///< 0 created, 1 started, 2 paid
};

}  // namespace webhookd::sandbox
