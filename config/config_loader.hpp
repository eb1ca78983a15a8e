// Reads YAML into a validated Config; errors name the file, line and key.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "config/config.hpp"
#include "core/result.hpp"

namespace webhookd {

/// Looks up an environment variable; nullopt when unset.
using EnvLookup = std::function<std::optional<std::string>(std::string_view)>;

/// The process environment.
EnvLookup ProcessEnvironment();

/// Parses and validates `yaml`. `file` is used in messages only. Errors are
/// kConfig with a detail like "config.yaml:12: paypro.api_key: must not be empty".
Result<Config> ParseConfig(std::string_view yaml, std::string_view file, const EnvLookup& env);

/// Reads `path` and parses it.
Result<Config> LoadConfigFile(const std::string& path, const EnvLookup& env);

}  // namespace webhookd
