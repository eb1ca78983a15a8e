// Building the dispatch table from `on:` patterns.
#include "handlers/dispatch_table.hpp"

#include <fmt/format.h>

namespace webhookd {

namespace {

bool IsNamePart(std::string_view part) {
  if (part.empty()) return false;
  for (char c : part) {
    if (!((c >= 'a' && c <= 'z') || c == '_')) return false;
  }
  return true;
}

bool Matches(std::string_view pattern, std::string_view type_name) {
  if (pattern == "*") return true;
  if (pattern.ends_with(".*")) return ResourcePrefix(type_name) == pattern.substr(0, pattern.size() - 2);
  return pattern == type_name;
}

bool AnyMatches(const Route& route, std::string_view type_name) {
  for (const std::string& pattern : route.patterns) {
    if (Matches(pattern, type_name)) return true;
  }
  return false;
}

}  // namespace

bool IsValidPattern(std::string_view pattern) {
  if (pattern == "*") return true;
  const size_t dot = pattern.find('.');
  if (dot == std::string_view::npos) return false;
  const std::string_view resource = pattern.substr(0, dot);
  const std::string_view action = pattern.substr(dot + 1);
  return IsNamePart(resource) && (action == "*" || IsNamePart(action));
}

Result<DispatchTable> DispatchTable::Build(std::vector<Route> routes) {
  DispatchTable table;
  for (const Route& route : routes) {
    for (const std::string& pattern : route.patterns) {
      if (!IsValidPattern(pattern)) {
        return MakeError(ErrorCode::kConfig, "invalid pattern",
                         fmt::format("handler {}: '{}' is not \"*\", \"resource.*\" or \"resource.action\"",
                                     route.handler->name(), pattern));
      }
    }
  }
  // Each list is filled by walking the routes in config order, so a handler
  // matched by several of its patterns still appears once, in its place.
  const auto collect = [&](std::string_view type_name) {
    HandlerList list;
    for (const Route& route : routes) {
      if (AnyMatches(route, type_name)) list.push_back(route.handler.get());
    }
    return list;
  };
  for (EventType type : KnownEventTypes()) {
    table.by_type_[static_cast<size_t>(type)] = collect(EventTypeName(type));
  }
  for (const Route& route : routes) {
    for (const std::string& pattern : route.patterns) {
      if (pattern == "*") continue;
      if (pattern.ends_with(".*")) {
        const std::string prefix = pattern.substr(0, pattern.size() - 2);
        table.unknown_by_prefix_[prefix] = collect(prefix + ".");
      } else if (ParseEventType(pattern) == EventType::kUnknown) {
        table.unknown_by_name_[pattern] = collect(pattern);
      }
    }
  }
  table.catch_all_ = collect("");
  for (Route& route : routes) table.handlers_.push_back(std::move(route.handler));
  return table;
}

Handler* DispatchTable::Find(std::string_view name) const {
  for (const auto& handler : handlers_) {
    if (handler->name() == name) return handler.get();
  }
  return nullptr;
}

std::span<Handler* const> DispatchTable::Lookup(EventType type, std::string_view type_name) const {
  if (type != EventType::kUnknown) return by_type_[static_cast<size_t>(type)];
  if (auto named = unknown_by_name_.find(std::string(type_name)); named != unknown_by_name_.end()) {
    return named->second;
  }
  if (auto prefixed = unknown_by_prefix_.find(std::string(ResourcePrefix(type_name)));
      prefixed != unknown_by_prefix_.end()) {
    return prefixed->second;
  }
  return catch_all_;
}

}  // namespace webhookd
