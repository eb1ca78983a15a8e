// Secrets in the config: given inline (or through ${NAME}), or read from a file.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "config/config_loader.hpp"
#include "config/yaml_reader.hpp"
#include "core/result.hpp"
#include "core/secret.hpp"

namespace webhookd {

/// Where `secret_file: NAME` is read from. A NAME without a `/` is a systemd
/// credential when CREDENTIALS_DIRECTORY is set (LoadCredential=), so it is
/// read from $CREDENTIALS_DIRECTORY/NAME; otherwise NAME is a path, absolute
/// or relative to `config_dir`.
std::filesystem::path SecretFilePath(std::string_view name, const EnvLookup& env,
                                     const std::filesystem::path& config_dir);

/// The secret in the file at `path`, trailing newlines stripped. kConfig
/// errors whose detail names the path, never the content: unreadable, empty,
/// or larger than 64 KiB.
Result<Secret> ReadSecretFile(const std::filesystem::path& path);

/// Reads the secret at `key` when it is present: a non-empty string, or
/// `{ secret_file: NAME }` read as SecretFilePath says, relative to the config
/// file's folder. Errors go to the map's reader and never hold the secret.
void ReadSecret(const YamlMap& map, std::string_view key, Secret& out);

/// A list of such secrets at `key`, where one secret stands for a list of
/// one; nullopt when absent or on error.
std::optional<std::vector<Secret>> ReadSecrets(const YamlMap& map, std::string_view key);

}  // namespace webhookd
