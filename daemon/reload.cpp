// Comparing a reloaded configuration with the running one.
#include "daemon/reload.hpp"

#include <functional>
#include <tuple>

namespace webhookd {

namespace {

// A restart-only setting: its key and a projection that compares equal when unchanged.
struct RestartOnly {
  const char* key;
  std::function<bool(const Config&, const Config&)> same;
};

std::string TlsText(const ServerConfig& server) {
  return server.tls ? server.tls->cert_file + "\n" + server.tls->key_file : "";
}

const std::vector<RestartOnly>& RestartOnlySettings() {
  static const std::vector<RestartOnly> kSettings = {
      {"server.listen", [](const Config& a, const Config& b) { return a.server.listen.ToString() == b.server.listen.ToString(); }},
      {"server.tls", [](const Config& a, const Config& b) { return TlsText(a.server) == TlsText(b.server); }},
      {"server.max_body_bytes", [](const Config& a, const Config& b) { return a.server.max_body_bytes == b.server.max_body_bytes; }},
      {"server.read_timeout_ms", [](const Config& a, const Config& b) { return a.server.read_timeout == b.server.read_timeout; }},
      {"server.threads", [](const Config& a, const Config& b) { return a.server.threads == b.server.threads; }},
      {"server.shutdown_timeout_s", [](const Config& a, const Config& b) { return a.server.shutdown_timeout == b.server.shutdown_timeout; }},
      {"admin.listen", [](const Config& a, const Config& b) { return a.admin.listen.ToString() == b.admin.listen.ToString(); }},
      {"paypro.api_base", [](const Config& a, const Config& b) { return a.paypro.api_base.ToString() == b.paypro.api_base.ToString(); }},
      {"paypro.api_key", [](const Config& a, const Config& b) { return a.paypro.api_key == b.paypro.api_key; }},
      {"paypro timeouts and ca_file", [](const Config& a, const Config& b) {
         return std::tie(a.paypro.connect_timeout, a.paypro.request_timeout, a.paypro.ca_file) ==
                std::tie(b.paypro.connect_timeout, b.paypro.request_timeout, b.paypro.ca_file);
       }},
      {"database", [](const Config& a, const Config& b) {
         return a.database.url == b.database.url &&
                std::tie(a.database.inbox_writers, a.database.queue_capacity, a.database.max_batch) ==
                    std::tie(b.database.inbox_writers, b.database.queue_capacity, b.database.max_batch);
       }},
      {"verifier", [](const Config& a, const Config& b) {
         return std::tie(a.verifier.workers, a.verifier.batch_size, a.verifier.max_backoff) ==
                std::tie(b.verifier.workers, b.verifier.batch_size, b.verifier.max_backoff);
       }},
      {"reconcile", [](const Config& a, const Config& b) {
         return std::tie(a.reconcile.interval, a.reconcile.window) == std::tie(b.reconcile.interval, b.reconcile.window);
       }},
      {"processor", [](const Config& a, const Config& b) {
         return std::tie(a.processor.workers, a.processor.batch_size, a.processor.max_attempts, a.processor.max_backoff) ==
                std::tie(b.processor.workers, b.processor.batch_size, b.processor.max_attempts, b.processor.max_backoff);
       }},
  };
  return kSettings;
}

}  // namespace

std::vector<std::string> RestartOnlyChanges(const Config& running, const Config& loaded) {
  std::vector<std::string> changed;
  for (const RestartOnly& setting : RestartOnlySettings()) {
    if (!setting.same(running, loaded)) changed.emplace_back(setting.key);
  }
  return changed;
}

Config KeepRestartOnlySettings(const Config& running, Config loaded) {
  // server.path, trusted_proxies and allow_from stay as loaded: the webhook
  // handler reads them from the config in force on every request.
  loaded.server.listen = running.server.listen;
  loaded.server.tls = running.server.tls;
  loaded.server.max_body_bytes = running.server.max_body_bytes;
  loaded.server.read_timeout = running.server.read_timeout;
  loaded.server.threads = running.server.threads;
  loaded.server.shutdown_timeout = running.server.shutdown_timeout;
  loaded.admin = running.admin;
  const auto secrets = std::move(loaded.paypro.webhook_secrets);
  const auto tolerance = loaded.paypro.timestamp_tolerance_s;
  loaded.paypro = running.paypro;
  loaded.paypro.webhook_secrets = secrets;
  loaded.paypro.timestamp_tolerance_s = tolerance;
  loaded.database = running.database;
  loaded.verifier = running.verifier;
  loaded.processor = running.processor;
  loaded.reconcile = running.reconcile;
  return loaded;
}

}  // namespace webhookd
