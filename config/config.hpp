// The daemon's configuration as plain, validated structs.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "core/http_server.hpp"
#include "core/ip_network.hpp"
#include "core/secret.hpp"
#include "core/url.hpp"
#include "handlers/when_filter.hpp"

namespace webhookd {

using Milliseconds = std::chrono::milliseconds;
using Seconds = std::chrono::seconds;

/// `server:` the listener for PayPro's calls. Only path, trusted_proxies and
/// allow_from change on reload: they are read per request.
struct ServerConfig {
  HostPort listen{"127.0.0.1", 8080};
  std::string path = "/webhooks/paypro";
  std::optional<TlsFiles> tls;
  size_t max_body_bytes = 65536;
  Milliseconds read_timeout{10000};
  int threads = 1;  ///< Asio threads for both listeners (see config/example.yaml)
  /// Peers whose X-Forwarded-For is believed (see ClientAddressOf); none by default.
  std::vector<IpNetwork> trusted_proxies;
  /// Clients that may call; anyone else gets 403. Empty (the default): everyone.
  std::vector<IpNetwork> allow_from;
  /// From SIGTERM until what still runs is abandoned (exec children killed,
  /// their runs given back) and the daemon exits: `shutdown_timeout_s`.
  Seconds shutdown_timeout{30};
};

/// `admin:` the localhost listener for /healthz, /readyz. Cannot change on reload.
struct AdminConfig {
  HostPort listen{"127.0.0.1", 9091};
};

/// `paypro:` how to reach PayPro and check its calls.
struct PayProConfig {
  Url api_base;  ///< default https://api.paypro.nl
  Secret api_key;
  std::vector<Secret> webhook_secrets;
  int64_t timestamp_tolerance_s = 600;
  Milliseconds connect_timeout{5000};
  Milliseconds request_timeout{10000};
  std::string ca_file;  ///< optional extra CA bundle for api_base
};

/// `database:` PostgreSQL and the inbox writer that group-commits webhooks.
struct DatabaseConfig {
  Secret url;                   ///< libpq connection string or URI; may hold a password
  int inbox_writers = 2;        ///< connections that commit inbox batches
  size_t queue_capacity = 20000;   ///< webhooks waiting for a commit before 503
  size_t max_batch = 2000;      ///< rows per inbox transaction at most
};

/// `verifier:` workers that re-fetch events from PayPro.
struct VerifierConfig {
  int workers = 4;
  int batch_size = 32;      ///< events claimed per round trip
  int connections = 4;      ///< connections to PayPro per worker, fetching a round's events at once
  Milliseconds linger{10};  ///< wait before the next claim after a round that was not full
  Seconds max_backoff{600};
};

/// `processor:` workers that dispatch verified events to handlers.
struct ProcessorConfig {
  int workers = 2;
  int batch_size = 100;
  int max_attempts = 10;    ///< then the event is dead
  Seconds max_backoff{3600};
};

/// `reconcile:` the daemon's own periodic backfill over a recent window.
struct ReconcileConfig {
  Seconds interval{0};   ///< 0: off (the default)
  Seconds window{7200};  ///< how far back each pass looks
};

/// `log: { format: text | json }`
enum class LogFormat { kText, kJson };

/// `log:`
struct LogConfig {
  std::string level = "info";           ///< trace, debug, info, warn, error
  LogFormat format = LogFormat::kText;  ///< text for people, json for a log collector
};

/// `log: {}`: one structured line per event.
struct LogHandlerSpec {};

/// `sql: "UPDATE ... WHERE id = :payload.metadata.order_id"`: one statement,
/// `:path` placeholders bound as parameters, in the processing transaction.
struct SqlHandlerSpec {
  std::string statement;
};

/// `notify: { channel: paypro_events }`: pg_notify in the processing transaction.
struct NotifyHandlerSpec {
  std::string channel;
};

/// `mirror: {}`: upserts the event's resource into paypro_mirror_* tables.
struct MirrorHandlerSpec {};

/// `http: { url, secret, timeout_ms }`: POSTs the event, signed the Standard Webhooks way.
struct HttpHandlerSpec {
  Url url;
  Secret secret;
  Milliseconds timeout{5000};
};

/// `exec: { argv, timeout_ms, max_concurrency }`: runs a program per event.
struct ExecHandlerSpec {
  std::vector<std::string> argv;  ///< argv[0] an absolute path; `{path}` placeholders
  Milliseconds timeout{30000};
  int max_concurrency = 4;
};

/// `retry:` how a handler's failed attempts are retried. Defaults depend on the kind.
struct RetryPolicy {
  int max_attempts = 10;
  Milliseconds initial_backoff{1000};
  Milliseconds max_backoff{3600 * 1000};
};

using HandlerSpec = std::variant<LogHandlerSpec, SqlHandlerSpec, NotifyHandlerSpec, MirrorHandlerSpec,
                                 HttpHandlerSpec, ExecHandlerSpec>;

/// One entry of `handlers:`.
struct HandlerConfig {
  std::string name;
  std::vector<std::string> on;          ///< "payment.paid", "payment.*", "*"
  std::vector<WhenCondition> when;      ///< `when:`; all must hold
  RetryPolicy retry;                    ///< `retry:` over the kind's defaults
  HandlerSpec spec;
  int line = 0;  ///< where it was defined, for messages
};

struct Config {
  std::string file;  ///< where it was read from
  ServerConfig server;
  AdminConfig admin;
  PayProConfig paypro;
  DatabaseConfig database;
  VerifierConfig verifier;
  ProcessorConfig processor;
  ReconcileConfig reconcile;
  LogConfig log;
  std::vector<HandlerConfig> handlers;
  /// Settings the file has that are accepted but no longer do anything:
  /// warned about, so that an upgrade neither fails nor hides the change.
  std::vector<std::string> obsolete;
};

}  // namespace webhookd
