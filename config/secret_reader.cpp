// Reads secrets given inline or as `{ secret_file: NAME }`, never echoing one in an error.
#include "config/secret_reader.hpp"

#include <fmt/format.h>

#include <array>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>

namespace webhookd {

namespace {

constexpr size_t kMaxSecretBytes = 64 * 1024;
constexpr std::string_view kExpected = "a string or { secret_file: NAME }";

Error SecretFileError(std::string detail) {
  return MakeError(ErrorCode::kConfig, "invalid configuration", std::move(detail));
}

std::optional<Secret> ReadFromFile(const YamlMap& settings) {
  YamlReader& reader = settings.reader();
  const auto name = settings.Scalar("secret_file");
  if (!name) return std::nullopt;
  if (name->value.empty()) {
    reader.Fail(*name, "must not be empty");
    return std::nullopt;
  }
  const std::filesystem::path config_dir = std::filesystem::path(reader.file()).parent_path();
  auto secret = ReadSecretFile(SecretFilePath(name->value, reader.env(), config_dir));
  if (!secret) {
    reader.Fail(*name, secret.error().detail);
    return std::nullopt;
  }
  return std::move(*secret);
}

// One secret: a non-empty string or { secret_file: NAME }.
std::optional<Secret> ReadOne(YamlReader& reader, const YamlValue& value) {
  if (value.node.IsMap()) {
    // Other keys are not named: a secret pasted as a map key would be echoed.
    const bool file_only = value.node.size() == 1 && value.node["secret_file"].IsDefined();
    if (!file_only) {
      reader.Fail(value.line, value.path, fmt::format("expected {}", kExpected));
      return std::nullopt;
    }
    return ReadFromFile(YamlMap(reader, value.node, value.path, value.line));
  }
  auto text = reader.Scalar(value.node, value.path, value.line, kExpected);
  if (!text) return std::nullopt;
  if (text->value.empty()) {
    reader.Fail(*text, "must not be empty");
    return std::nullopt;
  }
  return Secret(std::move(text->value));
}

}  // namespace

std::filesystem::path SecretFilePath(std::string_view name, const EnvLookup& env,
                                     const std::filesystem::path& config_dir) {
  const std::optional<std::string> credentials = env("CREDENTIALS_DIRECTORY");
  const bool plain_name = name.find('/') == std::string_view::npos;
  if (plain_name && credentials && !credentials->empty()) {
    return std::filesystem::path(*credentials) / name;
  }
  const std::filesystem::path path(name);
  return path.is_absolute() ? path : config_dir / path;
}

Result<Secret> ReadSecretFile(const std::filesystem::path& path) {
  const std::unique_ptr<std::FILE, int (*)(std::FILE*)> file(std::fopen(path.c_str(), "rb"),
                                                             &std::fclose);
  if (!file) {
    return SecretFileError(fmt::format("cannot read {}: {}", path.string(), std::strerror(errno)));
  }
  std::string text;
  std::array<char, 4096> buffer;
  size_t count = 0;
  while (text.size() <= kMaxSecretBytes &&
         (count = std::fread(buffer.data(), 1, buffer.size(), file.get())) > 0) {
    text.append(buffer.data(), count);
  }
  if (std::ferror(file.get())) {
    return SecretFileError(fmt::format("cannot read {}: {}", path.string(), std::strerror(errno)));
  }
  if (text.size() > kMaxSecretBytes) {
    return SecretFileError(
        fmt::format("{} is larger than {} bytes", path.string(), kMaxSecretBytes));
  }
  // `echo secret > file` and editors end the file with a newline that is no
  // part of the secret.
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.pop_back();
  if (text.empty()) return SecretFileError(fmt::format("{} is empty", path.string()));
  return Secret(std::move(text));
}

void ReadSecret(const YamlMap& map, std::string_view key, Secret& out) {
  const auto value = map.Value(key);
  if (!value) return;
  if (auto secret = ReadOne(map.reader(), *value)) out = std::move(*secret);
}

std::optional<std::vector<Secret>> ReadSecrets(const YamlMap& map, std::string_view key) {
  const auto value = map.Value(key);
  if (!value) return std::nullopt;
  std::vector<Secret> secrets;
  if (!value->node.IsSequence()) {
    auto one = ReadOne(map.reader(), *value);
    if (!one) return std::nullopt;
    secrets.push_back(std::move(*one));
    return secrets;
  }
  for (size_t i = 0; i < value->node.size(); ++i) {
    const YAML::Node item = value->node[i];
    const YamlValue entry{item, fmt::format("{}[{}]", value->path, i), LineOf(item, value->line)};
    auto secret = ReadOne(map.reader(), entry);
    if (!secret) return std::nullopt;
    secrets.push_back(std::move(*secret));
  }
  return secrets;
}

}  // namespace webhookd
