// Expands ${NAME} references to environment variables in config values.
#pragma once

#include <string>
#include <string_view>

#include "config/config_loader.hpp"
#include "core/result.hpp"

namespace webhookd {

/// Replaces each `${NAME}` in `text` by the value `env` gives for NAME, and
/// each `$$` by a single `$`; any other `$` stays as it is. Errors are kConfig
/// whose detail is a message for one config key ("environment variable NAME
/// is not set"); they name the variable, never a value.
Result<std::string> ExpandEnvironment(std::string_view text, const EnvLookup& env);

}  // namespace webhookd
