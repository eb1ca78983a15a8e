// Tests for the YAML config loader: defaults, every key, ${NAME}, and exact error details.
#include "config/config_loader.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <vector>

namespace webhookd {
namespace {

const std::string kApiKey = "api-key-SECRET-1";
const std::string kWebhookSecret = "webhook-SECRET-2";
const std::string kDatabaseUrl = "postgresql://app:db-SECRET-3@db:5432/app";

// Lines 1 to 5; tests append their own sections from line 6 on.
const std::string kMinimal =
    "paypro:\n"
    "  api_key: ${PAYPRO_API_KEY}\n"
    "  webhook_secrets: ${PAYPRO_WEBHOOK_SECRET}\n"
    "database:\n"
    "  url: ${DATABASE_URL}\n";

EnvLookup FakeEnv(std::map<std::string, std::string> vars) {
  return [vars = std::move(vars)](std::string_view name) -> std::optional<std::string> {
    const auto found = vars.find(std::string(name));
    if (found == vars.end()) return std::nullopt;
    return found->second;
  };
}

EnvLookup TestEnv() {
  return FakeEnv({{"PAYPRO_API_KEY", kApiKey},
                  {"PAYPRO_WEBHOOK_SECRET", kWebhookSecret},
                  {"DATABASE_URL", kDatabaseUrl},
                  {"EMPTY", ""},
                  {"THREADS", "8"}});
}

Result<Config> Parse(const std::string& yaml, const EnvLookup& env = TestEnv()) {
  return ParseConfig(yaml, "config.yaml", env);
}

// The error detail of a config that must fail, or a marker when it parsed.
std::string ErrorOf(const std::string& yaml, const EnvLookup& env = TestEnv()) {
  const auto config = Parse(yaml, env);
  if (config.ok()) return "(parsed without error)";
  EXPECT_EQ(config.error().code, ErrorCode::kConfig);
  EXPECT_EQ(config.error().reason, "invalid configuration");
  return config.error().detail;
}

// A file that exists for the test's duration.
class TempFile {
 public:
  explicit TempFile(const std::string& name, const std::string& text = "x\n")
      : path_(std::filesystem::temp_directory_path() /
              ("config_loader_test_" + std::to_string(::getpid()) + "_" + name)) {
    std::ofstream(path_) << text;
  }
  ~TempFile() { std::filesystem::remove(path_); }
  std::string path() const { return path_.string(); }

 private:
  std::filesystem::path path_;
};

// `yaml` with each placeholder replaced by a path.
std::string WithFiles(std::string yaml, const std::map<std::string, std::string>& paths) {
  for (const auto& [placeholder, path] : paths) {
    for (size_t at = yaml.find(placeholder); at != std::string::npos; at = yaml.find(placeholder)) {
      yaml.replace(at, placeholder.size(), path);
    }
  }
  return yaml;
}

TEST(ConfigLoader, AppliesDefaultsToMinimalConfig) {
  const auto config = Parse(kMinimal);
  ASSERT_TRUE(config.ok()) << config.error().detail;
  EXPECT_EQ(config->file, "config.yaml");
  EXPECT_EQ(config->server.listen.ToString(), "127.0.0.1:8080");
  EXPECT_EQ(config->server.path, "/webhooks/paypro");
  EXPECT_FALSE(config->server.tls.has_value());
  EXPECT_EQ(config->server.max_body_bytes, 65536u);
  EXPECT_EQ(config->server.read_timeout, Milliseconds(10000));
  EXPECT_EQ(config->server.threads, 1);
  EXPECT_EQ(config->admin.listen.ToString(), "127.0.0.1:9091");
  EXPECT_EQ(config->paypro.api_base.ToString(), "https://api.paypro.nl");
  EXPECT_TRUE(config->paypro.api_base.tls);
  EXPECT_EQ(config->paypro.api_base.port, "443");
  EXPECT_EQ(config->paypro.api_key.Reveal(), kApiKey);
  ASSERT_EQ(config->paypro.webhook_secrets.size(), 1u);
  EXPECT_EQ(config->paypro.webhook_secrets[0].Reveal(), kWebhookSecret);
  EXPECT_EQ(config->paypro.timestamp_tolerance_s, 600);
  EXPECT_EQ(config->paypro.connect_timeout, Milliseconds(5000));
  EXPECT_EQ(config->paypro.request_timeout, Milliseconds(10000));
  EXPECT_EQ(config->paypro.ca_file, "");
  EXPECT_EQ(config->database.url.Reveal(), kDatabaseUrl);
  EXPECT_EQ(config->database.inbox_writers, 2);
  EXPECT_EQ(config->database.queue_capacity, 20000u);
  EXPECT_EQ(config->database.max_batch, 2000u);
  EXPECT_EQ(config->verifier.workers, 4);
  EXPECT_EQ(config->verifier.batch_size, 32);
  EXPECT_EQ(config->verifier.connections, 4);
  EXPECT_EQ(config->verifier.linger, Milliseconds(10));
  EXPECT_TRUE(config->obsolete.empty());
  EXPECT_EQ(config->verifier.max_backoff, Seconds(600));
  EXPECT_EQ(config->processor.workers, 2);
  EXPECT_EQ(config->processor.batch_size, 100);
  EXPECT_EQ(config->processor.max_attempts, 10);
  EXPECT_EQ(config->processor.max_backoff, Seconds(3600));
  EXPECT_EQ(config->log.level, "info");
  EXPECT_EQ(config->log.format, LogFormat::kText);
  EXPECT_TRUE(config->handlers.empty());
}

TEST(ConfigLoader, ReadsEveryKeyOfFullConfig) {
  const TempFile cert("cert.pem");
  const TempFile key("key.pem");
  const TempFile ca("ca.pem");
  const std::string yaml =
      WithFiles(R"(server:
  listen: '[::1]:8443'
  path: /hooks/in
  tls: {cert_file: @CERT@, key_file: @KEY@}
  max_body_bytes: 1024
  read_timeout_ms: 250
  threads: ${THREADS}
admin: {listen: 0.0.0.0:9999}
paypro:
  api_base: http://127.0.0.1:7000/sandbox/
  api_key: literal-key
  webhook_secrets: [new-secret, old-secret]
  timestamp_tolerance_s: 30
  connect_timeout_ms: 100
  request_timeout_ms: 200
  ca_file: @CA@
database:
  url: 'host=/run/postgresql dbname=hooks'
  inbox_writers: 3
  queue_capacity: 50
  max_batch: 5
verifier: {workers: 5, batch_size: 6, connections: 13, linger_ms: 0, max_backoff_s: 8}
processor: {workers: 9, batch_size: 10, max_attempts: 11, max_backoff_s: 12}
log: {level: debug, format: json}
handlers:
  - name: audit
    on: '*'
    log: {}
  - name: paid_2
    on: [payment.paid, chargeback.*]
    log:
)",
                {{"@CERT@", cert.path()}, {"@KEY@", key.path()}, {"@CA@", ca.path()}});
  const auto config = Parse(yaml);
  ASSERT_TRUE(config.ok()) << config.error().detail;
  EXPECT_EQ(config->server.listen.host, "::1");
  EXPECT_EQ(config->server.listen.port, 8443);
  EXPECT_EQ(config->server.path, "/hooks/in");
  ASSERT_TRUE(config->server.tls.has_value());
  EXPECT_EQ(config->server.tls->cert_file, cert.path());
  EXPECT_EQ(config->server.tls->key_file, key.path());
  EXPECT_EQ(config->server.max_body_bytes, 1024u);
  EXPECT_EQ(config->server.read_timeout, Milliseconds(250));
  EXPECT_EQ(config->server.threads, 8);
  EXPECT_EQ(config->admin.listen.ToString(), "0.0.0.0:9999");
  EXPECT_EQ(config->paypro.api_base.ToString(), "http://127.0.0.1:7000/sandbox");
  EXPECT_EQ(config->paypro.api_key.Reveal(), "literal-key");
  ASSERT_EQ(config->paypro.webhook_secrets.size(), 2u);
  EXPECT_EQ(config->paypro.webhook_secrets[0].Reveal(), "new-secret");
  EXPECT_EQ(config->paypro.webhook_secrets[1].Reveal(), "old-secret");
  EXPECT_EQ(config->paypro.timestamp_tolerance_s, 30);
  EXPECT_EQ(config->paypro.connect_timeout, Milliseconds(100));
  EXPECT_EQ(config->paypro.request_timeout, Milliseconds(200));
  EXPECT_EQ(config->paypro.ca_file, ca.path());
  EXPECT_EQ(config->database.url.Reveal(), "host=/run/postgresql dbname=hooks");
  EXPECT_EQ(config->database.inbox_writers, 3);
  EXPECT_EQ(config->database.queue_capacity, 50u);
  EXPECT_EQ(config->database.max_batch, 5u);
  EXPECT_EQ(config->verifier.workers, 5);
  EXPECT_EQ(config->verifier.batch_size, 6);
  EXPECT_EQ(config->verifier.connections, 13);
  EXPECT_EQ(config->verifier.linger, Milliseconds(0));
  EXPECT_EQ(config->verifier.max_backoff, Seconds(8));
  EXPECT_EQ(config->processor.workers, 9);
  EXPECT_EQ(config->processor.batch_size, 10);
  EXPECT_EQ(config->processor.max_attempts, 11);
  EXPECT_EQ(config->processor.max_backoff, Seconds(12));
  EXPECT_EQ(config->log.level, "debug");
  EXPECT_EQ(config->log.format, LogFormat::kJson);
  ASSERT_EQ(config->handlers.size(), 2u);
  EXPECT_EQ(config->handlers[0].name, "audit");
  EXPECT_EQ(config->handlers[0].on, std::vector<std::string>{"*"});
  EXPECT_EQ(config->handlers[0].line, 26);
  EXPECT_TRUE(std::holds_alternative<LogHandlerSpec>(config->handlers[0].spec));
  EXPECT_EQ(config->handlers[1].name, "paid_2");
  EXPECT_EQ(config->handlers[1].on, (std::vector<std::string>{"payment.paid", "chargeback.*"}));
  EXPECT_EQ(config->handlers[1].line, 29);
}

// A file written for an earlier version still loads; what it sets in vain is named.
TEST(ConfigLoader, AcceptsTheObsoleteVerifierLeaseAndSaysSo) {
  const auto config = Parse(kMinimal + "verifier:\n  workers: 3\n  lease_s: 120\n");
  ASSERT_TRUE(config.ok()) << config.error().detail;
  EXPECT_EQ(config->verifier.workers, 3);
  ASSERT_EQ(config->obsolete.size(), 1u);
  EXPECT_EQ(config->obsolete[0],
            "verifier.lease_s is no longer used and can be removed: a verifier's claim lasts as long as its "
            "database transaction, and ends with it if the worker dies");
}

TEST(ConfigLoader, ExpandsVariablesAndDollarEscapesAfterYamlQuoting) {
  const auto config = Parse(kMinimal +
                            "server:\n"
                            "  path: \"/a/${THREADS}/b$$c/${EMPTY}$${THREADS}\"\n"
                            "  threads: ${THREADS}\n");
  ASSERT_TRUE(config.ok()) << config.error().detail;
  EXPECT_EQ(config->server.path, "/a/8/b$c/${THREADS}");
  EXPECT_EQ(config->server.threads, 8);
}

TEST(ConfigLoader, UnsetVariableNamesVariableFileLineAndKey) {
  EXPECT_EQ(ErrorOf(kMinimal + "log:\n  level: ${LOG_LEVEL}\n"),
            "config.yaml:7: log.level: environment variable LOG_LEVEL is not set");
  EXPECT_EQ(ErrorOf(kMinimal, FakeEnv({{"PAYPRO_API_KEY", "k"}, {"DATABASE_URL", "d"}})),
            "config.yaml:3: paypro.webhook_secrets: environment variable PAYPRO_WEBHOOK_SECRET "
            "is not set");
  EXPECT_EQ(ErrorOf(kMinimal + "log:\n  level: ${oops\n"),
            "config.yaml:7: log.level: unterminated ${ (write $$ for a literal $)");
}

TEST(ConfigLoader, RejectsUnknownKeysAtEveryLevel) {
  EXPECT_EQ(ErrorOf(kMinimal + "serer:\n  listen: 127.0.0.1:1\n"),
            "config.yaml:6: serer: unknown key");
  EXPECT_EQ(ErrorOf(kMinimal + "server:\n  lisen: 127.0.0.1:1\n"),
            "config.yaml:7: server.lisen: unknown key");
  EXPECT_EQ(ErrorOf(kMinimal + "server:\n  tls:\n    cert: x\n"),
            "config.yaml:8: server.tls.cert: unknown key");
  EXPECT_EQ(ErrorOf(kMinimal + "handlers:\n  - name: a\n    on: '*'\n    log: {colour: red}\n"),
            "config.yaml:9: handlers[0].log.colour: unknown key");
  EXPECT_EQ(ErrorOf(kMinimal + "log:\n  level: info\n  level: debug\n"),
            "config.yaml:8: log.level: duplicate key");
  // A key that is no setting name may be a secret one indent off: not echoed.
  EXPECT_EQ(ErrorOf(kMinimal + "log:\n  pp_ffTBYqhJjsxs6CzdyDq6Mwza4UztqGin:\n"),
            "config.yaml:7: log: unknown key (not shown: it does not look like a setting name)");
  EXPECT_EQ(ErrorOf(kMinimal + "log:\n  hunter2-password: x\n"),
            "config.yaml:7: log: unknown key (not shown: it does not look like a setting name)");
  EXPECT_EQ(ErrorOf(kMinimal + "paypro: {}\n"), "config.yaml:6: paypro: duplicate key");
}

TEST(ConfigLoader, RejectsWrongTypes) {
  EXPECT_EQ(ErrorOf(kMinimal + "server:\n  max_body_bytes: lots\n"),
            "config.yaml:7: server.max_body_bytes: expected an integer");
  EXPECT_EQ(ErrorOf(kMinimal + "server:\n  max_body_bytes: [1]\n"),
            "config.yaml:7: server.max_body_bytes: expected an integer");
  EXPECT_EQ(ErrorOf(kMinimal + "server:\n  threads: 2.5\n"),
            "config.yaml:7: server.threads: expected an integer");
  EXPECT_EQ(ErrorOf(kMinimal + "server:\n  path: {a: b}\n"),
            "config.yaml:7: server.path: expected a string");
  EXPECT_EQ(ErrorOf(kMinimal + "verifier: 4\n"), "config.yaml:6: verifier: expected a map");
  EXPECT_EQ(ErrorOf(kMinimal + "handlers: {name: a}\n"),
            "config.yaml:6: handlers: expected a list of maps");
  EXPECT_EQ(ErrorOf("- paypro\n"), "config.yaml:1: (top level): expected a map of sections");
}

TEST(ConfigLoader, RejectsOutOfRangeValues) {
  EXPECT_EQ(ErrorOf(kMinimal + "server:\n  threads: 0\n"),
            "config.yaml:7: server.threads: must be from 1 to 64");
  EXPECT_EQ(ErrorOf(kMinimal + "server:\n  max_body_bytes: 16777217\n"),
            "config.yaml:7: server.max_body_bytes: must be from 1 to 16777216");
  EXPECT_EQ(ErrorOf("paypro: {api_key: k, webhook_secrets: s}\n"
                    "database:\n  url: d\n  inbox_writers: 99999999999999999999\n"),
            "config.yaml:4: database.inbox_writers: must be from 1 to 16");
  EXPECT_EQ(ErrorOf("paypro: {api_key: k, webhook_secrets: s, timestamp_tolerance_s: -1}\n"
                    "database: {url: d}\n"),
            "config.yaml:1: paypro.timestamp_tolerance_s: must be from 1 to 86400");
  EXPECT_EQ(ErrorOf(kMinimal + "verifier: {linger_ms: 1001}\n"),
            "config.yaml:6: verifier.linger_ms: must be from 0 to 1000");
  EXPECT_EQ(ErrorOf(kMinimal + "log: {level: loud}\n"),
            "config.yaml:6: log.level: must be one of trace, debug, info, warn, error");
  EXPECT_EQ(ErrorOf(kMinimal + "log: {format: xml}\n"),
            "config.yaml:6: log.format: must be text or json");
  EXPECT_EQ(ErrorOf(kMinimal + "server:\n  path: hooks\n"),
            "config.yaml:7: server.path: must start with /");
}

TEST(ConfigLoader, FailsClosedOnMissingOrEmptySecrets) {
  EXPECT_EQ(ErrorOf("paypro:\n  webhook_secrets: s\ndatabase: {url: d}\n"),
            "config.yaml:1: paypro.api_key: is required");
  EXPECT_EQ(
      ErrorOf(
          kMinimal,
          FakeEnv({{"PAYPRO_API_KEY", ""}, {"PAYPRO_WEBHOOK_SECRET", "s"}, {"DATABASE_URL", "d"}})),
      "config.yaml:2: paypro.api_key: must not be empty");
  EXPECT_EQ(ErrorOf("paypro:\n  api_key: k\ndatabase: {url: d}\n"),
            "config.yaml:1: paypro.webhook_secrets: is required");
  EXPECT_EQ(ErrorOf("paypro:\n  api_key: k\n  webhook_secrets: []\ndatabase: {url: d}\n"),
            "config.yaml:3: paypro.webhook_secrets: must list at least one secret");
  EXPECT_EQ(ErrorOf("paypro:\n  api_key: k\n  webhook_secrets:\n    - s\n    - ${EMPTY}\n"
                    "database: {url: d}\n"),
            "config.yaml:5: paypro.webhook_secrets[1]: must not be empty");
  EXPECT_EQ(ErrorOf("paypro: {api_key: k, webhook_secrets: s}\ndatabase:\n  inbox_writers: 1\n"),
            "config.yaml:2: database.url: is required");
  EXPECT_EQ(ErrorOf("database: {url: d}\n"), "config.yaml:1: paypro: is required");
  EXPECT_EQ(ErrorOf(""), "config.yaml:1: paypro: is required");
  EXPECT_EQ(ErrorOf("paypro:\ndatabase: {url: d}\n"), "config.yaml:1: paypro.api_key: is required");
}

TEST(ConfigLoader, RejectsBadAddressesAndUrls) {
  EXPECT_EQ(ErrorOf(kMinimal + "server:\n  listen: localhost\n"),
            "config.yaml:7: server.listen: expected host:port");
  EXPECT_EQ(ErrorOf(kMinimal + "admin:\n  listen: 127.0.0.1:70000\n"),
            "config.yaml:7: admin.listen: port must be a number from 0 to 65535");
  EXPECT_EQ(ErrorOf(kMinimal + "admin:\n  listen: 127.0.0.1:8080\n"),
            "config.yaml:6: admin.listen: must differ from server.listen");
  EXPECT_EQ(ErrorOf("paypro:\n  api_base: ftp://api.paypro.nl\n  api_key: k\n"
                    "  webhook_secrets: s\ndatabase: {url: d}\n"),
            "config.yaml:2: paypro.api_base: URL must start with http:// or https://");
}

TEST(ConfigLoader, ChecksTlsAndCaFilesAtLoad) {
  const TempFile cert("only-cert.pem");
  EXPECT_EQ(ErrorOf(kMinimal + "server:\n  tls:\n    cert_file: " + cert.path() + "\n"),
            "config.yaml:7: server.tls.key_file: is required");
  EXPECT_EQ(ErrorOf(kMinimal + "server:\n  tls:\n"),
            "config.yaml:7: server.tls.cert_file: is required");
  EXPECT_EQ(ErrorOf(kMinimal + "server:\n  tls: {cert_file: " + cert.path() +
                    ", key_file: /nonexistent/key.pem}\n"),
            "config.yaml:7: server.tls.key_file: cannot read /nonexistent/key.pem: No such file or "
            "directory");
  EXPECT_EQ(ErrorOf(kMinimal + "server:\n  tls: {cert_file: /tmp, key_file: /tmp}\n"),
            "config.yaml:7: server.tls.cert_file: cannot read /tmp: it is a directory");
  EXPECT_EQ(ErrorOf("paypro: {api_key: k, webhook_secrets: s, ca_file: /nonexistent/ca.pem}\n"
                    "database: {url: d}\n"),
            "config.yaml:1: paypro.ca_file: cannot read /nonexistent/ca.pem: No such file or "
            "directory");
}

TEST(ConfigLoader, ReadsTrustedProxiesAndAllowFrom) {
  const auto config = Parse(kMinimal +
                            "server:\n"
                            "  trusted_proxies: [127.0.0.1/32, \"::1\", 10.0.0.0/8]\n"
                            "  allow_from:\n"
                            "    - 192.0.2.0/24\n"
                            "    - \"2001:db8::/32\"\n"
                            "    - ::ffff:198.51.100.0/120\n");
  ASSERT_TRUE(config.ok()) << config.error().detail;
  EXPECT_EQ(NetworksText(config->server.trusted_proxies), "127.0.0.1/32, ::1/128, 10.0.0.0/8");
  EXPECT_EQ(NetworksText(config->server.allow_from), "192.0.2.0/24, 2001:db8::/32, 198.51.100.0/24");
  const auto one = Parse(kMinimal + "server: {trusted_proxies: 127.0.0.1, allow_from: []}\n");
  ASSERT_TRUE(one.ok()) << one.error().detail;
  EXPECT_EQ(NetworksText(one->server.trusted_proxies), "127.0.0.1/32");
  EXPECT_TRUE(one->server.allow_from.empty());
  const auto defaults = Parse(kMinimal);
  ASSERT_TRUE(defaults.ok()) << defaults.error().detail;
  EXPECT_TRUE(defaults->server.trusted_proxies.empty());
  EXPECT_TRUE(defaults->server.allow_from.empty());
}

TEST(ConfigLoader, NamesTheBadNetworkEntryAndItsLine) {
  EXPECT_EQ(ErrorOf(kMinimal + "server:\n  trusted_proxies: [127.0.0.1/32, 10.0.0.1/8]\n"),
            "config.yaml:7: server.trusted_proxies[1]: '10.0.0.1/8' has bits set beyond its prefix: "
            "write 10.0.0.0/8");
  EXPECT_EQ(ErrorOf(kMinimal + "server:\n  allow_from:\n    - 192.0.2.0/24\n    - 192.0.2.0/33\n"),
            "config.yaml:9: server.allow_from[1]: '192.0.2.0/33' is not an IP network: write a CIDR "
            "such as 192.0.2.0/24 or 2001:db8::/32, or a single address");
  EXPECT_EQ(ErrorOf(kMinimal + "server:\n  allow_from: paypro.nl\n"),
            "config.yaml:7: server.allow_from: 'paypro.nl' is not an IP network: write a CIDR such "
            "as 192.0.2.0/24 or 2001:db8::/32, or a single address");
  EXPECT_EQ(ErrorOf(kMinimal + "server:\n  allow_from: {a: b}\n"),
            "config.yaml:7: server.allow_from: expected a string or a list of strings");
  EXPECT_EQ(ErrorOf(kMinimal + "server:\n  trusted_proxies: [[127.0.0.1]]\n"),
            "config.yaml:7: server.trusted_proxies[0]: expected a string");
}

TEST(ConfigLoader, RefusesToTrustEveryAddressAsAProxy) {
  EXPECT_EQ(ErrorOf(kMinimal + "server:\n  trusted_proxies: [127.0.0.1, 0.0.0.0/0]\n"),
            "config.yaml:7: server.trusted_proxies[1]: '0.0.0.0/0' trusts every address: list the "
            "proxies themselves");
  EXPECT_EQ(ErrorOf(kMinimal + "server:\n  trusted_proxies: \"::/0\"\n"),
            "config.yaml:7: server.trusted_proxies: '::/0' trusts every address: list the proxies "
            "themselves");
  EXPECT_TRUE(Parse(kMinimal + "server:\n  allow_from: [0.0.0.0/0]\n").ok());
}

// Each handler error has its own test in handler_config_reader_test.cpp.
TEST(ConfigLoader, ReportsHandlerErrorsWithIndexedPath) {
  EXPECT_EQ(ErrorOf(kMinimal + "handlers:\n  - name: audit\n    on: '*'\n    shell: {}\n"),
            "config.yaml:9: handlers[0].shell: handler \"audit\" has an unknown kind; known "
            "kinds: log, sql, notify, mirror, http, exec");
  EXPECT_EQ(ErrorOf(kMinimal + "handlers:\n  - {name: a, on: '*', log: {}}\n  - {name: a, on: "
                               "'*', log: {}}\n"),
            "config.yaml:8: handlers[1].name: duplicate handler name \"a\" (first defined at line "
            "7)");
}

TEST(ConfigLoader, ReadsEveryHandlerKindWithWhenAndRetry) {
  const auto config = Parse(kMinimal + R"(handlers:
  - name: mark-order-paid
    on: [payment.paid]
    when:
      payload.metadata.order_id: { exists: true }
      payload.amount: { gte: 100 }
    sql: "UPDATE orders SET paid_at = now()::timestamptz WHERE id = :payload.metadata.order_id"
  - name: notify-shop
    on: ["payment.*", "refund.*"]
    http: { url: "http://127.0.0.1:3000/paypro", secret: "${PAYPRO_WEBHOOK_SECRET}" }
    retry: { max_attempts: 3 }
  - name: fulfil
    on: [payment.paid]
    exec: { argv: ["/bin/true", "--order", "{payload.metadata.order_id}"] }
  - name: mirror
    on: ["*"]
    mirror: {}
  - name: wake-workers
    on: ["*"]
    notify: { channel: paypro_events }
processor:
  max_attempts: 4
  max_backoff_s: 60
)");
  ASSERT_TRUE(config.ok()) << config.error().detail;
  const auto& handlers = config->handlers;
  ASSERT_EQ(handlers.size(), 5u);
  EXPECT_EQ(std::get<SqlHandlerSpec>(handlers[0].spec).statement,
            "UPDATE orders SET paid_at = now()::timestamptz WHERE id = :payload.metadata.order_id");
  EXPECT_EQ(handlers[0].when.size(), 2u);
  // The processor section comes after the handlers, yet gives sql its defaults.
  EXPECT_EQ(handlers[0].retry.max_attempts, 4);
  EXPECT_EQ(handlers[0].retry.max_backoff, Milliseconds(60'000));
  EXPECT_EQ(std::get<HttpHandlerSpec>(handlers[1].spec).secret.Reveal(), kWebhookSecret);
  EXPECT_EQ(handlers[1].retry.max_attempts, 3);
  EXPECT_EQ(handlers[1].retry.max_backoff, Milliseconds(3'600'000));
  EXPECT_EQ(std::get<ExecHandlerSpec>(handlers[2].spec).argv.size(), 3u);
  EXPECT_EQ(handlers[2].retry.initial_backoff, Milliseconds(5000));
  EXPECT_TRUE(std::holds_alternative<MirrorHandlerSpec>(handlers[3].spec));
  EXPECT_EQ(handlers[3].retry.max_attempts, 4);
  EXPECT_EQ(std::get<NotifyHandlerSpec>(handlers[4].spec).channel, "paypro_events");
}

TEST(ConfigLoader, ReadsSecretFilesFromSystemdCredentials) {
  const TempFile api_key("credentials_api_key", "api-from-credential\n");
  const std::filesystem::path file(api_key.path());
  const std::string name = file.filename().string();
  const auto env = FakeEnv({{"CREDENTIALS_DIRECTORY", file.parent_path().string()}});
  const auto config = Parse(
      "paypro:\n"
      "  api_key: {secret_file: " +
          name +
          "}\n"
          "  webhook_secrets: [inline-secret, {secret_file: " +
          name +
          "}]\n"
          "database:\n"
          "  url: {secret_file: " +
          name + "}\n",
      env);
  ASSERT_TRUE(config.ok()) << config.error().detail;
  EXPECT_EQ(config->paypro.api_key.Reveal(), "api-from-credential");
  ASSERT_EQ(config->paypro.webhook_secrets.size(), 2u);
  EXPECT_EQ(config->paypro.webhook_secrets[0].Reveal(), "inline-secret");
  EXPECT_EQ(config->paypro.webhook_secrets[1].Reveal(), "api-from-credential");
  EXPECT_EQ(config->database.url.Reveal(), "api-from-credential");
}

TEST(ConfigLoader, ReadsSecretFilesRelativeToTheConfigFile) {
  const std::filesystem::path dir = std::filesystem::temp_directory_path() /
                                    ("config_loader_test_" + std::to_string(::getpid()) + "_dir");
  std::filesystem::create_directories(dir / "secrets");
  std::ofstream(dir / "secrets" / "shop") << "shop-secret\n";
  std::ofstream(dir / "config.yaml")
      << kMinimal
      << "handlers:\n"
         "  - name: shop\n"
         "    on: '*'\n"
         "    http: {url: 'http://127.0.0.1:3000/', secret: {secret_file: secrets/shop}}\n";
  const auto config = LoadConfigFile((dir / "config.yaml").string(), TestEnv());
  std::filesystem::remove_all(dir);
  ASSERT_TRUE(config.ok()) << config.error().detail;
  EXPECT_EQ(std::get<HttpHandlerSpec>(config->handlers[0].spec).secret.Reveal(), "shop-secret");
}

TEST(ConfigLoader, NamesUnreadableSecretFileButNotItsContent) {
  const TempFile empty("empty_secret", "\n");
  EXPECT_EQ(ErrorOf("paypro:\n  api_key: {secret_file: " + empty.path() +
                    "}\n  webhook_secrets: s\ndatabase: {url: d}\n"),
            "config.yaml:2: paypro.api_key.secret_file: " + empty.path() + " is empty");
  EXPECT_EQ(ErrorOf("paypro:\n  api_key: k\n  webhook_secrets:\n    - s\n"
                    "    - secret_file: /nonexistent/old\ndatabase: {url: d}\n"),
            "config.yaml:5: paypro.webhook_secrets[1].secret_file: cannot read /nonexistent/old: "
            "No such file or directory");
  const TempFile huge("huge_secret", std::string(70'000, 'x') + "SECRET");
  const std::string detail = ErrorOf("paypro: {api_key: {secret_file: " + huge.path() +
                                     "}, webhook_secrets: s}\ndatabase: {url: d}\n");
  EXPECT_EQ(detail, "config.yaml:1: paypro.api_key.secret_file: " + huge.path() +
                        " is larger than 65536 bytes");
}

TEST(ConfigLoader, ReportsYamlSyntaxErrorWithLine) {
  EXPECT_EQ(ErrorOf(kMinimal + "server:\n  listen: 127.0.0.1:1\n path: /x\n"),
            "config.yaml:8: end of map not found");
  EXPECT_EQ(ErrorOf(kMinimal + "log: {level: info\n"), "config.yaml:7: end of map flow not found");
}

TEST(ConfigLoader, NeverPutsSecretValuesInErrors) {
  const std::vector<std::string> bad_configs = {
      kMinimal + "serer: 1\n",
      kMinimal + "server: {threads: 0}\n",
      kMinimal + "log: {level: ${PAYPRO_API_KEY}}\n",
      kMinimal + "server: {threads: ${PAYPRO_WEBHOOK_SECRET}}\n",
      kMinimal + "server: {listen: ${DATABASE_URL}}\n",
      kMinimal + "server: {path: ${PAYPRO_API_KEY}}\n",
      "paypro: {api_base: '${DATABASE_URL}', api_key: k, webhook_secrets: s}\ndatabase: {url: d}\n",
      kMinimal + "handlers: [{name: a, on: '${PAYPRO_API_KEY}', log: {}}]\n",
      kMinimal + "handlers: [{name: '${PAYPRO_WEBHOOK_SECRET}', on: '*', log: {}}]\n",
      kMinimal + "log: {level: '${" + kApiKey + "}'}\n",
      "paypro: {api_key: [" + kApiKey + "], webhook_secrets: s}\ndatabase: {url: d}\n",
      "paypro: {api_key: k, webhook_secrets: {" + kWebhookSecret + ": 1}}\ndatabase: {url: d}\n",
      "paypro: {api_key: \"" + kApiKey + "\" \"x\", webhook_secrets: s}\n",
      "paypro: {api_key: k, webhook_secrets: s}\ndatabase: {url: d, " + kDatabaseUrl + ": 1}\n",
      "paypro: {api_key: {" + kApiKey + ": 1}, webhook_secrets: s}\ndatabase: {url: d}\n",
      kMinimal + "handlers: [{name: a, on: '*', http: {url: 'http://x/', secret: [" +
          kWebhookSecret + "]}}]\n",
      kMinimal + "handlers: [{name: a, on: '*', http: {url: 'http://x/', secret: '" +
          kWebhookSecret + "', timeout_ms: 0}}]\n",
      kMinimal + "handlers: [{name: a, on: '*', http: {url: 'http://" + kApiKey +
          "@x/', secret: s}}]\n",
      kMinimal + "handlers: [{name: a, on: '*', sql: \"SELECT '" + kApiKey + "\"}]\n",
      kMinimal + "handlers: [{name: a, on: '*', exec: {argv: [/bin/true, '--" + kApiKey +
          "={']}}]\n",
  };
  for (const std::string& yaml : bad_configs) {
    const std::string detail = ErrorOf(yaml);
    EXPECT_NE(detail, "(parsed without error)") << yaml;
    EXPECT_EQ(detail.find("SECRET"), std::string::npos) << detail;
  }
}

TEST(ConfigLoader, LoadsFileAndNamesUnreadableOne) {
  const TempFile file("config.yaml", kMinimal);
  const auto config = LoadConfigFile(file.path(), TestEnv());
  ASSERT_TRUE(config.ok()) << config.error().detail;
  EXPECT_EQ(config->file, file.path());

  const auto missing = LoadConfigFile("/nonexistent/webhookd.yaml", TestEnv());
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code, ErrorCode::kConfig);
  EXPECT_EQ(missing.error().detail,
            "/nonexistent/webhookd.yaml: cannot read: No such file or directory");
}

TEST(ConfigLoader, ReadsTheShutdownTimeout) {
  EXPECT_EQ(Parse(kMinimal)->server.shutdown_timeout, Seconds(30));
  const auto config = Parse(kMinimal + "server:\n  shutdown_timeout_s: 5\n");
  ASSERT_TRUE(config.ok()) << config.error().detail;
  EXPECT_EQ(config->server.shutdown_timeout, Seconds(5));
  EXPECT_EQ(ErrorOf(kMinimal + "server:\n  shutdown_timeout_s: 0\n"),
            "config.yaml:7: server.shutdown_timeout_s: must be from 1 to 3600");
}

TEST(ConfigLoader, ParsesPackagedConfigWithCredentials) {
  // What the .deb installs as /etc/paypro-webhookd/config.yaml, with the
  // credentials its unit passes in.
  const std::filesystem::path repo =
      std::filesystem::path(TEST_DATA_DIR).parent_path().parent_path();
  const std::filesystem::path credentials =
      std::filesystem::temp_directory_path() / ("config_loader_test_" + std::to_string(::getpid()) + "_credentials");
  std::filesystem::create_directories(credentials);
  std::ofstream(credentials / "api_key") << kApiKey << "\n";
  std::ofstream(credentials / "webhook_secret") << kWebhookSecret << "\n";
  const auto config = LoadConfigFile((repo / "packaging" / "config.yaml").string(),
                                     FakeEnv({{"CREDENTIALS_DIRECTORY", credentials.string()}}));
  std::filesystem::remove_all(credentials);
  ASSERT_TRUE(config.ok()) << config.error().detail;
  EXPECT_EQ(config->paypro.api_key.Reveal(), kApiKey);
  ASSERT_EQ(config->paypro.webhook_secrets.size(), 1u);
  EXPECT_EQ(config->paypro.webhook_secrets[0].Reveal(), kWebhookSecret);
  EXPECT_EQ(config->server.listen.host, "127.0.0.1");
  EXPECT_EQ(config->database.url.Reveal(), "postgresql:///paypro_webhookd?host=/run/postgresql");
}

TEST(ConfigLoader, ParsesShippedExample) {
  // Lexically, so that tests/data need not exist: git keeps no empty folder.
  const std::filesystem::path repo =
      std::filesystem::path(TEST_DATA_DIR).parent_path().parent_path();
  const auto env = FakeEnv({{"PAYPRO_API_KEY", kApiKey},
                            {"PAYPRO_WEBHOOK_SECRET", kWebhookSecret},
                            {"SHOP_SECRET", "shop-secret"}});
  const auto config = LoadConfigFile((repo / "config" / "example.yaml").string(), env);
  ASSERT_TRUE(config.ok()) << config.error().detail;
  EXPECT_EQ(config->paypro.api_key.Reveal(), kApiKey);
  ASSERT_EQ(config->paypro.webhook_secrets.size(), 1u);
  EXPECT_EQ(config->paypro.webhook_secrets[0].Reveal(), kWebhookSecret);
  // Every kind is shown, with `when` and `retry`.
  std::vector<size_t> kinds;
  for (const HandlerConfig& handler : config->handlers) kinds.push_back(handler.spec.index());
  std::sort(kinds.begin(), kinds.end());
  EXPECT_EQ(kinds, (std::vector<size_t>{0, 1, 2, 3, 4, 5}));
  ASSERT_EQ(config->handlers.size(), 6u);
  EXPECT_EQ(config->handlers[1].when.size(), 3u);
  EXPECT_EQ(config->handlers[5].retry.max_attempts, 5);
}

}  // namespace
}  // namespace webhookd
