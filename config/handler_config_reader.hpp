// Reads the `handlers:` list of the config: names, event patterns, kinds, filters and retries.
#pragma once

#include <string_view>
#include <vector>

#include "config/config.hpp"
#include "config/yaml_reader.hpp"

namespace webhookd {

/// Reads `handlers:` from the top-level map; errors go to `root.reader()`.
/// `processor` gives the retry defaults of the kinds that run in the
/// processing transaction (sql, notify, mirror).
std::vector<HandlerConfig> ReadHandlers(const YamlMap& root, const ProcessorConfig& processor = {});

/// True for "*", "<resource>.*" and "<resource>.<action>" with [a-z_]+ parts.
bool IsEventPattern(std::string_view pattern);

}  // namespace webhookd
