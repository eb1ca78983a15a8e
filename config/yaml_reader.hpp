// Typed reads from a parsed YAML config whose errors name file, line and key.
#pragma once

#include <yaml-cpp/yaml.h>

#include <chrono>
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "config/config_loader.hpp"
#include "core/result.hpp"
#include "core/secret.hpp"

namespace webhookd {

/// A scalar of the config after ${NAME} expansion, with where it came from.
struct YamlScalar {
  std::string value;
  std::string path;  ///< "paypro.webhook_secrets[0]"
  int line = 0;      ///< 1-based
};

/// A value of the config before any typed read, for values of several shapes
/// (a string or a map, say).
struct YamlValue {
  YAML::Node node;
  std::string path;
  int line = 0;  ///< of its key
};

/// Holds what every read of one config file shares: the file name for
/// messages, the environment for ${NAME}, and the first error met. Reads after
/// an error still run but cannot replace it, so a section reads as a flat list
/// of fields followed by one check of `failed()`.
class YamlReader {
 public:
  YamlReader(std::string file, EnvLookup env) : file_(std::move(file)), env_(std::move(env)) {}

  const std::string& file() const { return file_; }
  const EnvLookup& env() const { return env_; }
  bool failed() const { return error_.has_value(); }
  /// The first error; only valid when failed().
  Error TakeError() { return std::move(*error_); }

  /// Records "<file>:<line>: <path>: <message>" unless an error is already
  /// recorded. `message` must not hold a secret value.
  void Fail(int line, std::string_view path, std::string_view message);
  void Fail(const YamlScalar& at, std::string_view message) { Fail(at.line, at.path, message); }

  /// Expands `node` if it is a scalar; otherwise fails with "expected <what>".
  std::optional<YamlScalar> Scalar(const YAML::Node& node, std::string path, int line,
                                   std::string_view what);

 private:
  std::string file_;
  EnvLookup env_;
  std::optional<Error> error_;
};

/// A map of the config, named by its dotted key path and by the line of the
/// key that introduced it (where "is required" errors point).
class YamlMap {
 public:
  YamlMap(YamlReader& reader, YAML::Node node, std::string path, int line)
      : reader_(&reader), node_(std::move(node)), path_(std::move(path)), line_(line) {}

  YamlReader& reader() const { return *reader_; }
  const std::string& path() const { return path_; }
  int line() const { return line_; }

  /// "server" + "listen" -> "server.listen", through ShownKey().
  std::string PathOf(std::string_view key) const;
  bool Has(std::string_view key) const;
  /// The line of `key`, or of this map when the key is absent.
  int LineOf(std::string_view key) const;
  /// Fails with "<path.key>: <message>" at the key's line.
  void Fail(std::string_view key, std::string_view message) const;

  /// The keys in document order. Fails on a key given twice or one that is
  /// not a plain string.
  std::vector<std::string> Keys() const;
  /// Fails with "unknown key" on any key not in `known` (and as Keys() does).
  /// A key that is not short snake_case is not echoed: it may be a secret.
  void AllowOnly(std::initializer_list<std::string_view> known) const;
  /// Fails with "is required", at this map's line, when `key` is absent.
  bool Require(std::string_view key) const;

  /// The map at `key`; nullopt when it is absent. A null value (`key:` with
  /// nothing after it) reads as an empty map. Fails on anything else.
  std::optional<YamlMap> Map(std::string_view key) const;
  /// The raw value at `key`; nullopt when it is absent.
  std::optional<YamlValue> Value(std::string_view key) const;
  /// The maps listed at `key`; none when it is absent or null.
  std::vector<YamlMap> Maps(std::string_view key) const;
  /// The expanded scalar at `key`; nullopt when absent. `what` completes
  /// "expected ..." when the value is not a scalar.
  std::optional<YamlScalar> Scalar(std::string_view key, std::string_view what = "a string") const;
  /// A list of strings at `key`, where one string stands for a list of one;
  /// nullopt when absent.
  std::optional<std::vector<YamlScalar>> Strings(std::string_view key) const;
  /// An integer from `min` to `max` at `key`; nullopt when absent or invalid.
  std::optional<int64_t> Integer(std::string_view key, int64_t min, int64_t max) const;

  /// Optional fields: `out` keeps its default when the key is absent.
  void Read(std::string_view key, std::string& out) const;
  void Read(std::string_view key, Secret& out) const;
  template <typename T>
  void Read(std::string_view key, int64_t min, int64_t max, T& out) const {
    if (auto value = Integer(key, min, max)) out = static_cast<T>(*value);
  }
  template <typename Rep, typename Period>
  void Read(std::string_view key, int64_t min, int64_t max,
            std::chrono::duration<Rep, Period>& out) const {
    if (auto value = Integer(key, min, max)) out = std::chrono::duration<Rep, Period>(*value);
  }

 private:
  struct Entry {
    YAML::Node key;
    YAML::Node value;
  };
  std::optional<Entry> Find(std::string_view key) const;

  YamlReader* reader_;
  YAML::Node node_;
  std::string path_;
  int line_;
};

/// `key` when it is a word of letters, digits, _, - and . (field paths in
/// `when:` have dots); otherwise a placeholder, since a key that is no config
/// key may be a pasted secret.
std::string ShownKey(std::string_view key);

/// The 1-based line of `node`, or `fallback` when the node has no position.
int LineOf(const YAML::Node& node, int fallback);

}  // namespace webhookd
