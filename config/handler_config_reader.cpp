// The `handlers:` list: each entry has a unique name, event patterns, one kind, `when` and `retry`.
#include "config/handler_config_reader.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "config/handler_kind_readers.hpp"
#include "config/when_reader.hpp"

namespace webhookd {

namespace {

constexpr int64_t kDayMs = 86'400'000;

std::string KnownKinds() {
  std::string names;
  for (const HandlerKind& kind : HandlerKinds()) {
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

// Every key besides name, on, when and retry selects the kind, so a typo
// shows up here too. Returns the kind when there is exactly one known.
const HandlerKind* ReadKind(const YamlMap& map, HandlerConfig& handler) {
  std::vector<std::string> kind_keys;
  for (std::string& key : map.Keys()) {
    if (key != "name" && key != "on" && key != "when" && key != "retry") {
      kind_keys.push_back(std::move(key));
    }
  }
  const std::string who =
      handler.name.empty() ? "handler" : fmt::format("handler \"{}\"", handler.name);
  if (kind_keys.empty()) {
    map.reader().Fail(map.line(), map.path(), fmt::format("{} has no kind; {}", who, KnownKinds()));
    return nullptr;
  }
  if (kind_keys.size() > 1) {
    std::vector<std::string> shown;
    for (const std::string& key : kind_keys) shown.push_back(ShownKey(key));
    map.Fail(kind_keys[1], fmt::format("{} has more than one kind ({}); {}", who,
                                       fmt::join(shown, ", "), KnownKinds()));
    return nullptr;
  }
  const auto kinds = HandlerKinds();
  const auto kind = std::find_if(kinds.begin(), kinds.end(),
                                 [&](const HandlerKind& k) { return k.key == kind_keys[0]; });
  if (kind == kinds.end()) {
    map.Fail(kind_keys[0], fmt::format("{} has an unknown kind; {}", who, KnownKinds()));
    return nullptr;
  }
  handler.spec = kind->read(map, handler.on);
  return &*kind;
}

// `retry:` over the kind's defaults; a bound left to its default is named as
// such when the two bounds end up crossed.
void ReadRetry(const YamlMap& map, const HandlerKind& kind, const ProcessorConfig& processor,
               HandlerConfig& handler) {
  RetryPolicy& retry = handler.retry;
  retry = kind.default_retry(processor);
  const auto settings = map.Map("retry");
  if (!settings) return;
  settings->AllowOnly({"max_attempts", "initial_backoff_ms", "max_backoff_ms"});
  settings->Read("max_attempts", 1, 1000, retry.max_attempts);
  settings->Read("initial_backoff_ms", 1, kDayMs, retry.initial_backoff);
  settings->Read("max_backoff_ms", 1, 7 * kDayMs, retry.max_backoff);
  if (retry.max_backoff >= retry.initial_backoff) return;
  if (settings->Has("max_backoff_ms")) {
    settings->Fail("max_backoff_ms", fmt::format("must be at least initial_backoff_ms ({})",
                                                 retry.initial_backoff.count()));
  } else {
    settings->Fail("initial_backoff_ms",
                   fmt::format("must be at most max_backoff_ms ({}, the default for {})",
                               retry.max_backoff.count(), kind.key));
  }
}

}  // namespace

bool IsEventPattern(std::string_view pattern) {
  if (pattern == "*") return true;
  const size_t dot = pattern.find('.');
  if (dot == std::string_view::npos) return false;
  const std::string_view action = pattern.substr(dot + 1);
  return IsLowerWord(pattern.substr(0, dot)) && (action == "*" || IsLowerWord(action));
}

std::vector<HandlerConfig> ReadHandlers(const YamlMap& root, const ProcessorConfig& processor) {
  std::vector<HandlerConfig> handlers;
  for (const YamlMap& map : root.Maps("handlers")) {
    HandlerConfig handler;
    handler.line = map.line();
    ReadName(map, handler);
    ReadPatterns(map, handler);
    const HandlerKind* kind = ReadKind(map, handler);
    handler.when = ReadWhen(map, handler.on);
    if (kind) ReadRetry(map, *kind, processor, handler);
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
