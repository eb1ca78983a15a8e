// PayPro's API as the sandbox serves it: routing, auth and faults over the store.
#pragma once

#include <chrono>
#include <string>
#include <string_view>

#include "core/http_message.hpp"
#include "core/secret.hpp"
#include "sandbox/api_stats.hpp"
#include "sandbox/event_store.hpp"
#include "sandbox/fault_plan.hpp"
#include "sandbox/resource.hpp"

namespace webhookd::sandbox {

/// Which API route a path names.
struct ApiRoute {
  enum class Kind : uint8_t { kEventList, kEvent, kResource, kNotFound };
  Kind kind = Kind::kNotFound;
  std::string_view id;                             ///< for kEvent and kResource
  ResourceKind resource = ResourceKind::kPayment;  ///< for kResource
};

/// "/events" -> kEventList, "/events/EV.." -> kEvent, "/payments/PP.." -> kResource.
ApiRoute ParseApiRoute(std::string_view path);

/// An answer and how to give it; the network glue does the waiting.
struct ApiOutcome {
  ServerResponse response;
  std::chrono::milliseconds delay{0};  ///< answer only after this long
  bool hang = false;                   ///< never answer (timeout fault)
};

struct ApiSettings {
  Secret api_key;
  std::string public_url;  ///< base of links; "" means http://<Host header>
};

/// Answers API requests. Thread-safe: the store, plan and stats are.
class ApiRoutes {
 public:
  ApiRoutes(const EventStore& store, FaultPlan& faults, ApiStats& stats, ApiSettings settings);

  ApiOutcome Handle(const ServerRequest& request) const;

 private:
  bool Authorized(const ServerRequest& request) const;
  ServerResponse Serve(const ApiRoute& route, std::string_view query,
                       const ServerRequest& request) const;
  ServerResponse ServeList(std::string_view query, std::string_view base) const;

  const EventStore& store_;
  FaultPlan& faults_;
  ApiStats& stats_;
  ApiSettings settings_;
};

}  // namespace webhookd::sandbox
