// Which handlers an event type goes to: an array indexed by EventType.
#pragma once

#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/result.hpp"
#include "handlers/event_type.hpp"
#include "handlers/handler.hpp"

namespace webhookd {

/// A handler with the `on:` patterns it subscribes to.
struct Route {
  std::vector<std::string> patterns;  ///< "payment.paid", "payment.*", "*"
  std::shared_ptr<Handler> handler;
};

/// True for "*", "<resource>.*" and "<resource>.<action>" with lowercase
/// letters and underscores in each part.
bool IsValidPattern(std::string_view pattern);

/// Built once from the routes, then read-only: a reload builds a new table
/// and swaps it whole. Lookups for known types are an array index; unknown
/// types (new ones PayPro adds) go through a small map by name and prefix,
/// and reach at least the "*" handlers. Handlers keep their config order.
class DispatchTable {
 public:
  static Result<DispatchTable> Build(std::vector<Route> routes);

  /// The handlers for an event, in config order.
  std::span<Handler* const> Lookup(EventType type, std::string_view type_name) const;

  /// Every handler, in config order.
  const std::vector<std::shared_ptr<Handler>>& handlers() const { return handlers_; }

  /// The handler named `name`, or nullptr.
  Handler* Find(std::string_view name) const;

 private:
  using HandlerList = std::vector<Handler*>;

  std::vector<std::shared_ptr<Handler>> handlers_;
  std::array<HandlerList, kEventTypeCount> by_type_;
  std::unordered_map<std::string, HandlerList> unknown_by_name_;
  std::unordered_map<std::string, HandlerList> unknown_by_prefix_;
  HandlerList catch_all_;
};

}  // namespace webhookd
