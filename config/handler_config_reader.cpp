// The `handlers:` list: each entry has a unique name, event patterns and one kind.
#include "config/handler_config_reader.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>

namespace webhookd {

namespace {

using HandlerSpec = decltype(HandlerConfig::spec);

// The handler kinds: the key that selects one and how its settings are read.
struct HandlerKind {
  std::string_view key;
  HandlerSpec (*read)(const std::optional<YamlMap>& settings);
};

HandlerSpec ReadLogSpec(const std::optional<YamlMap>& settings) {
  if (settings) settings->AllowOnly({});
  return LogHandlerSpec{};
}

constexpr std::array<HandlerKind, 1> kKinds = {{{"log", ReadLogSpec}}};

std::string KnownKinds() {
  std::string names;
  for (const HandlerKind& kind : kKinds) {
    names += (names.empty() ? "" : ", ") + std::string(kind.key);
  }
  return "known kinds: " + names;
}

bool IsLowerWord(std::string_view part) {
  return !part.empty() && std::all_of(part.begin(), part.end(),
                                      [](char c) { return (c >= 'a' && c <= 'z') || c == '_'; });
}

bool IsHandlerName(std::string_view name) {
  return !name.empty() && std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
  });
}

void ReadName(const YamlMap& map, HandlerConfig& handler) {
  if (!map.Require("name")) return;
  auto name = map.Scalar("name");
  if (!name) return;
  // Only a valid name is kept, and so echoed in later messages.
  if (!IsHandlerName(name->value)) {
    map.reader().Fail(*name, "must be a non-empty name of a-z, 0-9, _ and -");
    return;
  }
  handler.name = std::move(name->value);
}

void ReadPatterns(const YamlMap& map, HandlerConfig& handler) {
  if (!map.Require("on")) return;
  auto patterns = map.Strings("on");
  if (!patterns) return;
  if (patterns->empty()) map.Fail("on", "must list at least one event pattern");
  for (YamlScalar& pattern : *patterns) {
    // The pattern is not echoed: it came through ${NAME} expansion like any value.
    if (!IsEventPattern(pattern.value)) {
      map.reader().Fail(pattern,
                        "invalid event pattern; expected \"*\", \"<resource>.*\" or "
                        "\"<resource>.<action>\" of a-z and _");
    }
    handler.on.push_back(std::move(pattern.value));
  }
}

// Every key besides name and on selects the kind, so a typo shows up here too.
void ReadKind(const YamlMap& map, HandlerConfig& handler) {
  std::vector<std::string> kind_keys;
  for (std::string& key : map.Keys()) {
    if (key != "name" && key != "on") kind_keys.push_back(std::move(key));
  }
  const std::string who =
      handler.name.empty() ? "handler" : fmt::format("handler \"{}\"", handler.name);
  if (kind_keys.empty()) {
    map.reader().Fail(map.line(), map.path(), fmt::format("{} has no kind; {}", who, KnownKinds()));
    return;
  }
  if (kind_keys.size() > 1) {
    std::vector<std::string> shown;
    for (const std::string& key : kind_keys) shown.push_back(ShownKey(key));
    map.Fail(kind_keys[1], fmt::format("{} has more than one kind ({}); {}", who,
                                       fmt::join(shown, ", "), KnownKinds()));
    return;
  }
  const auto kind = std::find_if(kKinds.begin(), kKinds.end(),
                                 [&](const HandlerKind& k) { return k.key == kind_keys[0]; });
  if (kind == kKinds.end()) {
    map.Fail(kind_keys[0], fmt::format("{} has an unknown kind; {}", who, KnownKinds()));
    return;
  }
  handler.spec = kind->read(map.Map(kind_keys[0]));
}

}  // namespace

bool IsEventPattern(std::string_view pattern) {
  if (pattern == "*") return true;
  const size_t dot = pattern.find('.');
  if (dot == std::string_view::npos) return false;
  const std::string_view action = pattern.substr(dot + 1);
  return IsLowerWord(pattern.substr(0, dot)) && (action == "*" || IsLowerWord(action));
}

std::vector<HandlerConfig> ReadHandlers(const YamlMap& root) {
  std::vector<HandlerConfig> handlers;
  for (const YamlMap& map : root.Maps("handlers")) {
    HandlerConfig handler;
    handler.line = map.line();
    ReadName(map, handler);
    ReadPatterns(map, handler);
    ReadKind(map, handler);
    const auto same = std::find_if(handlers.begin(), handlers.end(), [&](const HandlerConfig& h) {
      return !handler.name.empty() && h.name == handler.name;
    });
    if (same != handlers.end()) {
      map.Fail("name", fmt::format("duplicate handler name \"{}\" (first defined at line {})",
                                   handler.name, same->line));
    }
    handlers.push_back(std::move(handler));
  }
  return handlers;
}

}  // namespace webhookd
