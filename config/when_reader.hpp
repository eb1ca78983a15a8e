// Reads a handler's `when:` filter into conditions on event fields.
#pragma once

#include <span>
#include <string>
#include <vector>

#include "config/yaml_reader.hpp"
#include "handlers/event_fields.hpp"
#include "handlers/when_filter.hpp"

namespace webhookd {

/// Reads `when:` from a handler's map: a map from field path to a map of
/// operators (`payload.amount: { gte: 100, lt: 5000 }`). Each (path,
/// operator) pair becomes one condition, in file order. Paths must be valid
/// and able to exist for `patterns` (WhyFieldCannotExist). None when absent.
std::vector<WhenCondition> ReadWhen(const YamlMap& handler, std::span<const std::string> patterns);

/// The value a YAML scalar stands for, `text` being its value after ${NAME}
/// expansion. A quoted scalar (or one tagged !!str) is a string; a plain one
/// is null (null, ~, or nothing), a bool (true, false), an integer, a float,
/// or else a string, following YAML 1.2's core schema.
FieldValue YamlFieldValue(const YAML::Node& node, const std::string& text);

}  // namespace webhookd
