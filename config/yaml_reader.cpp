// Typed YAML reads with file:line:key errors and ${NAME} expansion.
#include "config/yaml_reader.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>

#include "config/env_expansion.hpp"

namespace webhookd {

namespace {

// Setting names are short snake_case words. Any other key is more likely a
// value that slipped an indent or lost its key, perhaps a secret: errors say
// where it is without echoing it.
bool LooksLikeSettingName(std::string_view key) {
  return !key.empty() && key.size() <= 32 && std::all_of(key.begin(), key.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
  });
}

}  // namespace

int LineOf(const YAML::Node& node, int fallback) {
  // A null value (`key:` with nothing after it) is marked at the next token,
  // which may be lines further down; its key's line is the better answer.
  if (!node.IsDefined() || node.IsNull() || node.Mark().is_null()) return fallback;
  return node.Mark().line + 1;
}

void YamlReader::Fail(int line, std::string_view path, std::string_view message) {
  if (failed()) return;
  error_ = MakeError(ErrorCode::kConfig, "invalid configuration",
                     fmt::format("{}:{}: {}: {}", file_, line, path, message));
}

std::optional<YamlScalar> YamlReader::Scalar(const YAML::Node& node, std::string path, int line,
                                             std::string_view what) {
  if (!node.IsScalar()) {
    Fail(line, path, fmt::format("expected {}", what));
    return std::nullopt;
  }
  auto expanded = ExpandEnvironment(node.Scalar(), env_);
  if (!expanded) {
    Fail(line, path, expanded.error().detail);
    return std::nullopt;
  }
  return YamlScalar{std::move(*expanded), std::move(path), line};
}

std::string ShownKey(std::string_view key) {
  constexpr size_t kLongestShown = 64;
  const bool word = !key.empty() && key.size() <= kLongestShown &&
                    std::all_of(key.begin(), key.end(), [](char c) {
                      return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                             (c >= '0' && c <= '9') || c == '_' || c == '-' || c == '.';
                    });
  return word ? std::string(key) : "(key not shown)";
}

std::string YamlMap::PathOf(std::string_view key) const {
  return path_.empty() ? ShownKey(key) : fmt::format("{}.{}", path_, ShownKey(key));
}

std::optional<YamlMap::Entry> YamlMap::Find(std::string_view key) const {
  if (!node_.IsMap()) return std::nullopt;
  for (auto it = node_.begin(); it != node_.end(); ++it) {
    if (it->first.IsScalar() && it->first.Scalar() == key) return Entry{it->first, it->second};
  }
  return std::nullopt;
}

bool YamlMap::Has(std::string_view key) const { return Find(key).has_value(); }

int YamlMap::LineOf(std::string_view key) const {
  const auto entry = Find(key);
  return entry ? webhookd::LineOf(entry->key, line_) : line_;
}

void YamlMap::Fail(std::string_view key, std::string_view message) const {
  reader_->Fail(LineOf(key), PathOf(key), message);
}

std::vector<std::string> YamlMap::Keys() const {
  std::vector<std::string> keys;
  if (!node_.IsMap()) return keys;
  for (auto it = node_.begin(); it != node_.end(); ++it) {
    const int line = webhookd::LineOf(it->first, line_);
    if (!it->first.IsScalar()) {
      reader_->Fail(line, path_.empty() ? "(top level)" : path_, "keys must be plain strings");
      continue;
    }
    const std::string& key = it->first.Scalar();
    if (std::find(keys.begin(), keys.end(), key) != keys.end()) {
      reader_->Fail(line, PathOf(key), "duplicate key");
    }
    keys.push_back(key);
  }
  return keys;
}

void YamlMap::AllowOnly(std::initializer_list<std::string_view> known) const {
  for (const std::string& key : Keys()) {
    if (std::find(known.begin(), known.end(), key) != known.end()) continue;
    if (LooksLikeSettingName(key)) {
      Fail(key, "unknown key");
    } else {
      reader_->Fail(LineOf(key), path_.empty() ? "(top level)" : path_,
                    "unknown key (not shown: it does not look like a setting name)");
    }
  }
}

bool YamlMap::Require(std::string_view key) const {
  if (Has(key)) return true;
  reader_->Fail(line_, PathOf(key), "is required");
  return false;
}

std::optional<YamlMap> YamlMap::Map(std::string_view key) const {
  const auto entry = Find(key);
  if (!entry) return std::nullopt;
  const int line = webhookd::LineOf(entry->key, line_);
  if (!entry->value.IsMap() && !entry->value.IsNull()) {
    reader_->Fail(line, PathOf(key), "expected a map");
    return std::nullopt;
  }
  return YamlMap(*reader_, entry->value, PathOf(key), line);
}

std::optional<YamlValue> YamlMap::Value(std::string_view key) const {
  const auto entry = Find(key);
  if (!entry) return std::nullopt;
  return YamlValue{entry->value, PathOf(key), webhookd::LineOf(entry->key, line_)};
}

std::vector<YamlMap> YamlMap::Maps(std::string_view key) const {
  std::vector<YamlMap> maps;
  const auto entry = Find(key);
  if (!entry || entry->value.IsNull()) return maps;
  const int line = webhookd::LineOf(entry->key, line_);
  if (!entry->value.IsSequence()) {
    reader_->Fail(line, PathOf(key), "expected a list of maps");
    return maps;
  }
  for (size_t i = 0; i < entry->value.size(); ++i) {
    const YAML::Node item = entry->value[i];
    const std::string path = fmt::format("{}[{}]", PathOf(key), i);
    const int item_line = webhookd::LineOf(item, line);
    if (!item.IsMap()) {
      reader_->Fail(item_line, path, "expected a map");
      continue;
    }
    maps.emplace_back(*reader_, item, path, item_line);
  }
  return maps;
}

std::optional<YamlScalar> YamlMap::Scalar(std::string_view key, std::string_view what) const {
  const auto entry = Find(key);
  if (!entry) return std::nullopt;
  return reader_->Scalar(entry->value, PathOf(key), webhookd::LineOf(entry->key, line_), what);
}

std::optional<std::vector<YamlScalar>> YamlMap::Strings(std::string_view key) const {
  const auto entry = Find(key);
  if (!entry) return std::nullopt;
  const int line = webhookd::LineOf(entry->key, line_);
  if (!entry->value.IsSequence()) {
    auto one = reader_->Scalar(entry->value, PathOf(key), line, "a string or a list of strings");
    if (!one) return std::nullopt;
    return std::vector<YamlScalar>{std::move(*one)};
  }
  std::vector<YamlScalar> values;
  for (size_t i = 0; i < entry->value.size(); ++i) {
    const YAML::Node item = entry->value[i];
    auto value = reader_->Scalar(item, fmt::format("{}[{}]", PathOf(key), i),
                                 webhookd::LineOf(item, line), "a string");
    if (!value) return std::nullopt;
    values.push_back(std::move(*value));
  }
  return values;
}

std::optional<int64_t> YamlMap::Integer(std::string_view key, int64_t min, int64_t max) const {
  const auto scalar = Scalar(key, "an integer");
  if (!scalar) return std::nullopt;
  const std::string& text = scalar->value;
  int64_t value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || end != text.data() + text.size() || error == std::errc::invalid_argument) {
    reader_->Fail(*scalar, "expected an integer");
    return std::nullopt;
  }
  if (error == std::errc::result_out_of_range || value < min || value > max) {
    reader_->Fail(*scalar, fmt::format("must be from {} to {}", min, max));
    return std::nullopt;
  }
  return value;
}

void YamlMap::Read(std::string_view key, std::string& out) const {
  if (auto scalar = Scalar(key)) out = std::move(scalar->value);
}

void YamlMap::Read(std::string_view key, Secret& out) const {
  if (auto scalar = Scalar(key)) out = Secret(std::move(scalar->value));
}

}  // namespace webhookd
