// Parses the daemon's YAML config into validated structs, one section at a time.
#include "config/config_loader.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <memory>

#include "config/handler_config_reader.hpp"
#include "config/secret_reader.hpp"
#include "config/yaml_reader.hpp"

namespace webhookd {

namespace {

constexpr std::string_view kDefaultApiBase = "https://api.paypro.nl";
constexpr int64_t kMaxTimeoutMs = 3'600'000;  // an hour
constexpr int64_t kDaySeconds = 86'400;
constexpr int64_t kMaxBodyBytes = 16 << 20;
// An hour: systemd's TimeoutStopSec= must exceed it, and a stop that takes
// longer blocks upgrades and reboots.
constexpr int64_t kMaxShutdownSeconds = 3600;
constexpr std::array<std::string_view, 5> kLogLevels = {"trace", "debug", "info", "warn", "error"};

Error ConfigError(std::string detail) {
  return MakeError(ErrorCode::kConfig, "invalid configuration", std::move(detail));
}

// Reads a section given as `key:`; an absent section keeps the defaults.
template <typename Section>
Section ReadSection(const YamlMap& root, std::string_view key, Section (*read)(const YamlMap&)) {
  const std::optional<YamlMap> map = root.Map(key);
  return map ? read(*map) : Section{};
}

void ReadListen(const YamlMap& map, HostPort& out) {
  const auto text = map.Scalar("listen");
  if (!text) return;
  auto address = ParseHostPort(text->value);
  if (!address) {
    map.reader().Fail(*text, address.error().detail);
    return;
  }
  out = *address;
}

// Files are checked at load so a bad path fails the load, not the first
// TLS handshake hours later.
void ReadReadableFile(const YamlMap& map, std::string_view key, std::string& out) {
  const auto path = map.Scalar(key);
  if (!path) return;
  std::error_code ignored;
  if (path->value.empty()) {
    map.reader().Fail(*path, "must not be empty");
  } else if (::access(path->value.c_str(), R_OK) != 0) {
    map.reader().Fail(*path, fmt::format("cannot read {}: {}", path->value, std::strerror(errno)));
  } else if (std::filesystem::is_directory(path->value, ignored)) {
    map.reader().Fail(*path, fmt::format("cannot read {}: it is a directory", path->value));
  }
  out = path->value;
}

// A secret the daemon cannot run without: fail closed when it is missing.
void ReadRequiredSecret(const YamlMap& map, std::string_view key, Secret& out) {
  if (map.Require(key)) ReadSecret(map, key, out);
}

TlsFiles ReadTls(const YamlMap& map) {
  map.AllowOnly({"cert_file", "key_file"});
  TlsFiles files;
  if (map.Require("cert_file")) ReadReadableFile(map, "cert_file", files.cert_file);
  if (map.Require("key_file")) ReadReadableFile(map, "key_file", files.key_file);
  return files;
}

// A list of networks (CIDRs or single addresses); a bad entry is named by its
// index and line. `trust` refuses a /0: trusting every address as a proxy
// would let any client name its own address.
std::vector<IpNetwork> ReadNetworks(const YamlMap& map, std::string_view key, bool trust) {
  std::vector<IpNetwork> networks;
  const auto texts = map.Strings(key);
  if (!texts) return networks;
  for (const YamlScalar& text : *texts) {
    auto network = IpNetwork::Parse(text.value);
    if (!network) {
      map.reader().Fail(text, network.error().detail);
    } else if (trust && network->prefix_length() == 0) {
      map.reader().Fail(text, fmt::format("'{}' trusts every address: list the proxies themselves", text.value));
    } else {
      networks.push_back(*network);
    }
  }
  return networks;
}

ServerConfig ReadServer(const YamlMap& map) {
  map.AllowOnly({"listen", "path", "tls", "max_body_bytes", "read_timeout_ms", "threads", "shutdown_timeout_s",
                 "trusted_proxies", "allow_from"});
  ServerConfig server;
  ReadListen(map, server.listen);
  if (auto path = map.Scalar("path")) {
    if (!path->value.starts_with('/')) map.reader().Fail(*path, "must start with /");
    server.path = std::move(path->value);
  }
  if (auto tls = map.Map("tls")) server.tls = ReadTls(*tls);
  map.Read("max_body_bytes", 1, kMaxBodyBytes, server.max_body_bytes);
  map.Read("read_timeout_ms", 1, kMaxTimeoutMs, server.read_timeout);
  map.Read("threads", 1, 64, server.threads);
  map.Read("shutdown_timeout_s", 1, kMaxShutdownSeconds, server.shutdown_timeout);
  server.trusted_proxies = ReadNetworks(map, "trusted_proxies", true);
  server.allow_from = ReadNetworks(map, "allow_from", false);
  return server;
}

AdminConfig ReadAdmin(const YamlMap& map) {
  map.AllowOnly({"listen"});
  AdminConfig admin;
  ReadListen(map, admin.listen);
  return admin;
}

std::vector<Secret> ReadWebhookSecrets(const YamlMap& map) {
  if (!map.Require("webhook_secrets")) return {};
  auto secrets = ReadSecrets(map, "webhook_secrets");
  if (!secrets) return {};
  if (secrets->empty()) map.Fail("webhook_secrets", "must list at least one secret");
  return std::move(*secrets);
}

PayProConfig ReadPayPro(const YamlMap& map) {
  map.AllowOnly({"api_base", "api_key", "webhook_secrets", "timestamp_tolerance_s",
                 "connect_timeout_ms", "request_timeout_ms", "ca_file"});
  PayProConfig paypro;
  paypro.api_base = ParseUrl(kDefaultApiBase).value();
  if (auto text = map.Scalar("api_base")) {
    auto url = ParseUrl(text->value);
    if (url)
      paypro.api_base = std::move(*url);
    else
      map.reader().Fail(*text, url.error().detail);
  }
  ReadRequiredSecret(map, "api_key", paypro.api_key);
  paypro.webhook_secrets = ReadWebhookSecrets(map);
  map.Read("timestamp_tolerance_s", 1, kDaySeconds, paypro.timestamp_tolerance_s);
  map.Read("connect_timeout_ms", 1, kMaxTimeoutMs, paypro.connect_timeout);
  map.Read("request_timeout_ms", 1, kMaxTimeoutMs, paypro.request_timeout);
  ReadReadableFile(map, "ca_file", paypro.ca_file);
  return paypro;
}

DatabaseConfig ReadDatabase(const YamlMap& map) {
  map.AllowOnly({"url", "inbox_writers", "queue_capacity", "max_batch"});
  DatabaseConfig database;
  ReadRequiredSecret(map, "url", database.url);
  map.Read("inbox_writers", 1, 16, database.inbox_writers);
  map.Read("queue_capacity", 1, 1'000'000, database.queue_capacity);
  map.Read("max_batch", 1, 10'000, database.max_batch);
  return database;
}

VerifierConfig ReadVerifier(const YamlMap& map) {
  // lease_s: obsolete (ObsoleteSettings), accepted so that old files still load.
  map.AllowOnly({"workers", "batch_size", "connections", "linger_ms", "lease_s", "max_backoff_s"});
  VerifierConfig verifier;
  map.Read("workers", 1, 64, verifier.workers);
  map.Read("batch_size", 1, 1000, verifier.batch_size);
  map.Read("connections", 1, 64, verifier.connections);
  map.Read("linger_ms", 0, 1000, verifier.linger);
  map.Read("max_backoff_s", 1, kDaySeconds, verifier.max_backoff);
  return verifier;
}

ProcessorConfig ReadProcessor(const YamlMap& map) {
  map.AllowOnly({"workers", "batch_size", "max_attempts", "max_backoff_s"});
  ProcessorConfig processor;
  map.Read("workers", 1, 64, processor.workers);
  map.Read("batch_size", 1, 10'000, processor.batch_size);
  map.Read("max_attempts", 1, 1000, processor.max_attempts);
  map.Read("max_backoff_s", 1, kDaySeconds, processor.max_backoff);
  return processor;
}

ReconcileConfig ReadReconcile(const YamlMap& map) {
  map.AllowOnly({"interval_s", "window_s"});
  ReconcileConfig reconcile;
  map.Read("interval_s", 0, 7 * kDaySeconds, reconcile.interval);
  map.Read("window_s", 60, 30 * kDaySeconds, reconcile.window);
  return reconcile;
}

LogConfig ReadLog(const YamlMap& map) {
  map.AllowOnly({"level", "format"});
  LogConfig log;
  if (auto level = map.Scalar("level")) {
    if (std::find(kLogLevels.begin(), kLogLevels.end(), level->value) == kLogLevels.end()) {
      map.reader().Fail(*level, "must be one of trace, debug, info, warn, error");
    }
    log.level = std::move(level->value);
  }
  if (auto format = map.Scalar("format")) {
    if (format->value != "text" && format->value != "json") {
      map.reader().Fail(*format, "must be text or json");
    }
    log.format = format->value == "json" ? LogFormat::kJson : LogFormat::kText;
  }
  return log;
}

// Both listeners bind at start-up; the same address twice would fail there
// with a less helpful message.
void CheckListenersDiffer(const YamlMap& root, const Config& config) {
  const HostPort& server = config.server.listen;
  const HostPort& admin = config.admin.listen;
  if (server.port != 0 && server.port == admin.port && server.host == admin.host) {
    root.reader().Fail(root.LineOf("admin"), "admin.listen", "must differ from server.listen");
  }
}

// Settings that earlier versions read and this one accepts without using.
std::vector<std::string> ObsoleteSettings(const YamlMap& root) {
  std::vector<std::string> obsolete;
  const std::optional<YamlMap> verifier = root.Map("verifier");
  if (verifier && verifier->Has("lease_s")) {
    obsolete.push_back(
        "verifier.lease_s is no longer used and can be removed: a verifier's claim lasts as long as its "
        "database transaction, and ends with it if the worker dies");
  }
  return obsolete;
}

Config ReadConfig(const YamlMap& root) {
  root.AllowOnly(
      {"server", "admin", "paypro", "database", "verifier", "processor", "reconcile", "log", "handlers"});
  root.Require("paypro");
  root.Require("database");
  Config config;
  config.server = ReadSection(root, "server", ReadServer);
  config.admin = ReadSection(root, "admin", ReadAdmin);
  CheckListenersDiffer(root, config);
  config.paypro = ReadSection(root, "paypro", ReadPayPro);
  config.database = ReadSection(root, "database", ReadDatabase);
  config.verifier = ReadSection(root, "verifier", ReadVerifier);
  config.processor = ReadSection(root, "processor", ReadProcessor);
  config.reconcile = ReadSection(root, "reconcile", ReadReconcile);
  config.log = ReadSection(root, "log", ReadLog);
  // Read after processor wherever the sections stand in the file: some
  // kinds' retry defaults come from it.
  config.handlers = ReadHandlers(root, config.processor);
  config.obsolete = ObsoleteSettings(root);
  return config;
}

}  // namespace

Result<Config> ParseConfig(std::string_view yaml, std::string_view file, const EnvLookup& env) {
  YAML::Node document;
  try {
    document = YAML::Load(std::string(yaml));
  } catch (const YAML::Exception& e) {
    const int line = e.mark.is_null() ? 1 : e.mark.line + 1;
    return ConfigError(fmt::format("{}:{}: {}", file, line, e.msg));
  }
  YamlReader reader(std::string(file), env);
  Config config;
  // An empty file is an empty map: it then fails on the required sections.
  if (document.IsMap() || document.IsNull()) {
    config = ReadConfig(YamlMap(reader, document, "", 1));
  } else {
    reader.Fail(LineOf(document, 1), "(top level)", "expected a map of sections");
  }
  if (reader.failed()) return reader.TakeError();
  config.file = std::string(file);
  return config;
}

Result<Config> LoadConfigFile(const std::string& path, const EnvLookup& env) {
  const std::unique_ptr<std::FILE, int (*)(std::FILE*)> file(std::fopen(path.c_str(), "rb"),
                                                             &std::fclose);
  if (!file) return ConfigError(fmt::format("{}: cannot read: {}", path, std::strerror(errno)));
  std::string text;
  std::array<char, 8192> buffer;
  size_t count = 0;
  while ((count = std::fread(buffer.data(), 1, buffer.size(), file.get())) > 0) {
    text.append(buffer.data(), count);
  }
  if (std::ferror(file.get())) {
    return ConfigError(fmt::format("{}: cannot read: {}", path, std::strerror(errno)));
  }
  return ParseConfig(text, path, env);
}

}  // namespace webhookd
