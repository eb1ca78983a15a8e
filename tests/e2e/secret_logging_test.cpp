// End to end: at trace and debug, through error paths, no secret reaches any output.
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/stat.h>

#include <cstdlib>
#include <functional>

#include "core/crypto.hpp"
#include "core/url.hpp"
#include "paypro/signature.hpp"
#include "tests/support/harness.hpp"
#include "tests/support/test_database.hpp"

namespace webhookd::testing {
namespace {

constexpr auto kSettle = std::chrono::seconds(60);
constexpr auto kStart = std::chrono::seconds(20);

// Every secret is distinctive, so that any appearance is a leak.
constexpr const char* kSecretApiKey = "pp_live_SECRETAPIKEY9f8e7d6c5b4a";
constexpr const char* kWrongApiKey = "pp_live_SECRETWRONGKEY1a2b3c4d5e";
constexpr const char* kSecretWebhookA = "SECRET-webhook-one-7d1e9f2a";
constexpr const char* kSecretWebhookB = "whsec_SECRETwebhookTWO3c5a8b";
constexpr const char* kHttpKeyBytes = "SECRET-http-key-bytes-4e6f";
constexpr const char* kDatabasePassword = "SECRETdbPassword5f4e3d";
constexpr const char* kDeadDatabasePassword = "SECRETdeadDbPassword8a9b";

// A secret and the encodings in which it could slip out.
std::vector<std::string> Forms(const std::string& secret) {
  return {secret, Base64Encode(secret), ToHex(secret)};
}

std::vector<std::string> AllSecretForms() {
  std::vector<std::string> forms;
  for (const char* secret : {kSecretApiKey, kWrongApiKey, kSecretWebhookA, kSecretWebhookB, kHttpKeyBytes,
                             kDatabasePassword, kDeadDatabasePassword}) {
    for (std::string& form : Forms(secret)) forms.push_back(std::move(form));
  }
  forms.push_back("whsec_" + Base64Encode(kHttpKeyBytes));
  return forms;
}

// A PostgreSQL role with a password (the test cluster trusts local
// connections, so the password is carried but not needed), dropped at the end.
class PasswordRole {
 public:
  PasswordRole(const TestDatabase& database, std::string name) : database_(database), name_(std::move(name)) {
    Exec(fmt::format("CREATE ROLE {} LOGIN SUPERUSER PASSWORD '{}'", name_, kDatabasePassword));
  }
  ~PasswordRole() {
    try {
      Exec(fmt::format("REASSIGN OWNED BY {} TO CURRENT_USER", name_));
      Exec(fmt::format("DROP OWNED BY {}", name_));
      Exec(fmt::format("DROP ROLE {}", name_));
    } catch (const std::exception& e) {
      ADD_FAILURE() << "role " << name_ << " not dropped: " << e.what();
    }
  }
  /// The test database's URL, logging in as this role with its password.
  std::string Url() const {
    const std::string url = database_.url();
    const size_t scheme = url.find("://") + 3;
    return url.substr(0, scheme) + name_ + ":" + kDatabasePassword + url.substr(url.find('@'));
  }

 private:
  void Exec(const std::string& sql) const {
    auto connection = database_.Connect();
    pqxx::nontransaction tx(*connection);
    tx.exec0(sql);
  }
  const TestDatabase& database_;
  std::string name_;
};

struct Ports {
  uint16_t webhooks = FreePort();
  uint16_t admin = FreePort();
};

std::string ConfigYaml(const Ports& ports, const std::string& api_base, const std::string& api_key,
                       const std::string& database_url, const std::string& level, const std::string& handlers) {
  return fmt::format(
      "server:\n  listen: 127.0.0.1:{}\n  path: /webhooks/paypro\n"
      "admin:\n  listen: 127.0.0.1:{}\n"
      "paypro:\n  api_base: {}\n  api_key: \"{}\"\n  webhook_secrets: [\"{}\", \"{}\"]\n  request_timeout_ms: 2000\n"
      "database:\n  url: \"{}\"\n"
      "log: {{ level: {} }}\n"
      "verifier: {{ workers: 1, batch_size: 10, max_backoff_s: 1 }}\n"
      "processor: {{ workers: 1, batch_size: 10, max_attempts: 2, max_backoff_s: 1 }}\n{}",
      ports.webhooks, ports.admin, api_base, api_key, kSecretWebhookA, kSecretWebhookB, database_url, level,
      handlers);
}

// Handlers that all fail: a target where nothing listens, a program that
// exits 3, a statement that divides by zero.
std::string FailingHandlers(const TempDir& dir) {
  const std::string program = dir.File("fulfil");
  WriteFile(program, "#!/bin/sh\ncat > /dev/null\necho 'warehouse closed' >&2\nexit 3\n");
  chmod(program.c_str(), 0755);
  return fmt::format(
      "handlers:\n"
      "  - name: audit\n    on: [\"*\"]\n    log: {{}}\n"
      "  - name: notify-shop\n    on: [\"payment.*\"]\n"
      "    http: {{ url: \"http://127.0.0.1:{}/paypro\", secret: \"whsec_{}\", timeout_ms: 1000 }}\n"
      "    retry: {{ max_attempts: 2, initial_backoff_ms: 50, max_backoff_ms: 100 }}\n"
      "  - name: fulfil\n    on: [\"payment.*\"]\n    exec: {{ argv: [\"{}\"], timeout_ms: 5000 }}\n"
      "    retry: {{ max_attempts: 2, initial_backoff_ms: 50, max_backoff_ms: 100 }}\n"
      "  - name: customers\n    on: [\"customer.*\"]\n"
      "    sql: \"SELECT 1 / (length(:id) - length(:id))\"\n",
      FreePort(), Base64Encode(kHttpKeyBytes), program);
}

ClientResponse PostWebhook(uint16_t port, const std::string& body, const std::string& secret,
                           int64_t timestamp = 0) {
  const std::string stamp = std::to_string(timestamp == 0 ? NowSeconds() : timestamp);
  HttpClient client(*ParseUrl(fmt::format("http://127.0.0.1:{}", port)));
  ClientRequest request{"POST", "/webhooks/paypro", {}, body};
  request.headers.Add("PayPro-Timestamp", stamp);
  request.headers.Add("PayPro-Signature", ComputeWebhookSignature(Secret(secret), stamp, body));
  auto response = client.Send(request);
  if (!response) throw std::runtime_error(response.error().detail);
  return *response;
}

ClientResponse AdminGet(uint16_t port, const std::string& path) {
  HttpClient client(*ParseUrl(fmt::format("http://127.0.0.1:{}", port)));
  auto response = client.Send(ClientRequest{"GET", path, {}, {}});
  if (!response) throw std::runtime_error(response.error().detail);
  return *response;
}

class SecretLogging : public ::testing::TestWithParam<std::string> {
 protected:
  // Runs the daemon on `config` until `done` holds; returns what it printed.
  std::string RunDaemon(const std::string& name, const std::string& config, const std::function<bool()>& done,
                        const std::function<void(ChildProcess&)>& meanwhile = {}) {
    const std::string path = dir_.File(name + ".yaml");
    WriteFile(path, config);
    ChildProcess process({DaemonBinary(), "--config", path}, dir_.File(name + ".log"));
    if (meanwhile) meanwhile(process);
    EXPECT_TRUE(Eventually(done, kSettle)) << name << ":\n" << process.Output();
    process.Signal(SIGTERM);
    EXPECT_GE(process.Wait(std::chrono::seconds(30)), 0) << process.Output();
    return process.Output();
  }

  std::string Command(const std::string& name, const std::string& config, std::vector<std::string> args) {
    const std::string path = dir_.File(name + ".yaml");
    WriteFile(path, config);
    args.insert(args.begin(), {"--config", path});
    auto [code, output] = RunDaemonCommand(dir_, args);
    return fmt::format("[{} exit {}]\n{}", name, code, output);
  }

  int Count(const std::string& where) {
    return std::stoi(database_.Scalar("SELECT count(*) FROM paypro_events WHERE " + where));
  }

  TempDir dir_;
  TestDatabase database_;
  Sandbox sandbox_{dir_, {"--api-key", kSecretApiKey}};
  PasswordRole role_{database_, "t_secret_role_" + std::to_string(FreePort())};
};

TEST_P(SecretLogging, NoSecretInAnyOutput) {
  const std::string level = GetParam();
  std::string everything;
  const std::string handlers = FailingHandlers(dir_);

  // 1. A working daemon: every intake refusal, PayPro's 404, three failing handlers, a bad reload.
  Ports ports;
  const std::string good = ConfigYaml(ports, sandbox_.url(), kSecretApiKey, role_.Url(), level, handlers);
  const std::vector<std::string> events = {sandbox_.CreateEvents(1, "payment.paid").front(),
                                           sandbox_.CreateEvents(1, "customer.created").front()};
  const std::string forged =
      R"({"id":"EVFORGED000000000099","type":"event","event_type":"payment.paid","created_at":"2024-01-01T00:00:00Z",)"
      R"("payload":{"id":"PPFORGED0099","type":"payment","amount":100,"state":"paid"}})";
  everything += RunDaemon("good", good, [&] { return Count("state IN ('dead', 'rejected')") == 3; },
                          [&](ChildProcess& process) {
    ASSERT_TRUE(process.WaitForOutput("ready: webhooks on", kStart)) << process.Output();
    EXPECT_EQ(PostWebhook(ports.webhooks, events[0], kSecretWebhookA).status, 200u);
    EXPECT_EQ(PostWebhook(ports.webhooks, events[1], kSecretWebhookB).status, 200u);
    EXPECT_EQ(PostWebhook(ports.webhooks, forged, kSecretWebhookB).status, 200u);
    EXPECT_EQ(PostWebhook(ports.webhooks, events[0], "wrong-secret").status, 401u);
    EXPECT_EQ(PostWebhook(ports.webhooks, events[0], kSecretWebhookA, NowSeconds() - 3600).status, 401u);
    EXPECT_EQ(PostWebhook(ports.webhooks, "{not json", kSecretWebhookA).status, 400u);
    everything += AdminGet(ports.admin, "/metrics").body + AdminGet(ports.admin, "/readyz").body;
    // A reload that fails on a secret pasted where a map was expected.
    WriteFile(dir_.File("good.yaml"), ConfigYaml(ports, sandbox_.url(), kSecretApiKey, role_.Url(), level,
                                                 handlers) + "reconcile: { " + kSecretApiKey + ": 1 }\n");
    kill(process.pid(), SIGHUP);
    EXPECT_TRUE(process.WaitForOutput("reload failed", kStart)) << process.Output();
    for (const char* failure : {"handler notify-shop failed", "handler fulfil failed", "division by zero",
                                "PayPro does not know this event"}) {
      EXPECT_TRUE(process.WaitForOutput(failure, kSettle)) << failure << ":\n" << process.Output();
    }
  });

  // 2. An API key PayPro refuses.
  Ports wrong_key_ports;
  const std::string wrong_key = ConfigYaml(wrong_key_ports, sandbox_.url(), kWrongApiKey, role_.Url(), level, "");
  const std::string second = sandbox_.CreateEvents(1, "payment.paid").front();
  const std::string refused = RunDaemon("wrong-key", wrong_key, [&] { return true; }, [&](ChildProcess& process) {
    ASSERT_TRUE(process.WaitForOutput("ready: webhooks on", kStart)) << process.Output();
    EXPECT_EQ(PostWebhook(wrong_key_ports.webhooks, second, kSecretWebhookA).status, 200u);
    EXPECT_TRUE(process.WaitForOutput("PayPro refused our API key", kSettle)) << process.Output();
  });
  everything += refused;
  everything += Command("backfill-wrong-key", wrong_key, {"--backfill", "--since", "2024-01-01T00:00:00Z"});
  EXPECT_NE(everything.find("PayPro refused the API key"), std::string::npos);

  // 3. A database that does not answer, its password in key=value form.
  Ports dead_ports;
  const std::string dead_url =
      fmt::format("host=127.0.0.1 port={} dbname=nothing user=nobody password={}", FreePort(), kDeadDatabasePassword);
  const std::string dead = ConfigYaml(dead_ports, sandbox_.url(), kSecretApiKey, dead_url, level, handlers);
  everything += RunDaemon("dead-database", dead, [] { return true; }, [&](ChildProcess& process) {
    EXPECT_TRUE(process.WaitForOutput("retrying", kStart)) << process.Output();
  });
  everything += Command("check-dead", dead, {"--check-config"});
  everything += Command("list-dead", dead, {"--list-events"});

  // 4. Operator commands and configurations that fail to load near secrets.
  everything += Command("check-good", good, {"--check-config"});
  everything += Command("list-good", good, {"--list-events"});
  everything += Command("show-good", good, {"--show-event", JsonString(events[0], "id")});
  const std::string base = ConfigYaml(ports, sandbox_.url(), kSecretApiKey, role_.Url(), level, "");
  everything += Command("secret-as-key", base + "reconcile: { " + kSecretApiKey + ": 1 }\n", {"--check-config"});
  everything += Command("secret-as-map",
                        ConfigYaml(ports, sandbox_.url(), kSecretApiKey, role_.Url(), level, "") +
                            "handlers:\n  - name: x\n    on: [\"*\"]\n    http: { url: \"http://127.0.0.1:1/\", "
                            "secret: { " + kSecretWebhookA + ": 1 } }\n",
                        {"--check-config"});
  everything += Command("secret-not-base64",
                        base + "handlers:\n  - name: x\n    on: [\"*\"]\n    http: { url: \"http://127.0.0.1:1/\", "
                               "secret: \"whsec_" + kHttpKeyBytes + "!\" }\n",
                        {"--check-config"});
  everything += Command("secret-in-list",
                        fmt::format("paypro:\n  api_base: {}\n  api_key: [\"{}\"]\n  webhook_secrets: {{ {}: 1 }}\n"
                                    "database:\n  url: \"{}\"\n",
                                    sandbox_.url(), kSecretApiKey, kSecretWebhookB, role_.Url()),
                        {"--check-config"});
  everything += Command("sql-with-password",
                        base + "handlers:\n  - name: x\n    on: [\"*\"]\n    sql: \"SELECT nosuchcolumn\"\n",
                        {"--check-config"});
  // The error paths ran (a test that passes because nothing happened proves nothing).
  for (const char* seen : {"[check-good exit 0]", "[secret-as-key exit 78]", "[secret-in-list exit 78]",
                           "reload failed", "not shown: it does not look like a setting name",
                           "paypro.api_key: expected a string", "must continue in standard base64",
                           "cannot prepare the statement", "connecting to PostgreSQL"}) {
    EXPECT_NE(everything.find(seen), std::string::npos) << seen << " not seen in:\n" << everything;
  }

  for (const std::string& form : AllSecretForms()) {
    const size_t at = everything.find(form);
    EXPECT_EQ(at, std::string::npos) << "secret form '" << form << "' leaked:\n"
                                     << everything.substr(at == std::string::npos ? 0 : (at > 300 ? at - 300 : 0), 600);
  }
}

INSTANTIATE_TEST_SUITE_P(Levels, SecretLogging, ::testing::Values("trace", "debug"));

}  // namespace
}  // namespace webhookd::testing
