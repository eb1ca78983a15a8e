// The six handler kinds: the key that selects each, how its settings are read, its retry defaults.
#pragma once

#include <span>
#include <string>
#include <string_view>

#include "config/config.hpp"
#include "config/yaml_reader.hpp"

namespace webhookd {

/// One handler kind.
struct HandlerKind {
  std::string_view key;  ///< "sql", which selects the kind in a handler's map
  /// Reads the settings at `key` of a handler's map; `patterns` are the
  /// handler's `on:`, against which placeholder paths are checked.
  HandlerSpec (*read)(const YamlMap& handler, std::span<const std::string> patterns);
  /// The retry policy when `retry:` does not say otherwise.
  RetryPolicy (*default_retry)(const ProcessorConfig& processor);
};

/// log, sql, notify, mirror, http and exec, in that order.
std::span<const HandlerKind> HandlerKinds();

}  // namespace webhookd
