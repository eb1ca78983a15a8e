// The real binaries for black-box tests: a sandbox PayPro and a daemon.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/http_client.hpp"
#include "tests/support/child_process.hpp"

namespace webhookd::testing {

inline constexpr const char* kApiKey = "pp_test_key_0123456789abcdef";
inline constexpr const char* kWebhookSecret = "whsec_test_secret_0123456789";

/// A running paypro-sandbox on a free port.
class Sandbox {
 public:
  explicit Sandbox(const TempDir& dir, std::vector<std::string> extra_args = {});
  const std::string& url() const { return url_; }
  /// POST a control request (path under /_sandbox) with a JSON body.
  ClientResponse Post(const std::string& path, const std::string& json);
  ClientResponse Get(const std::string& path);
  /// Creates `count` events without delivering them; their JSON objects.
  std::vector<std::string> CreateEvents(int count, const std::string& type = "payment.paid");
  /// How often GET /events/{id} was answered for `id`.
  int Fetches(const std::string& id);
  ChildProcess& process() { return *process_; }

 private:
  std::unique_ptr<ChildProcess> process_;
  std::string url_;
  std::unique_ptr<HttpClient> control_;
};

struct DaemonOptions {
  DaemonOptions(std::string database, std::string api) : database_url(std::move(database)), api_base(std::move(api)) {}
  std::string database_url;
  std::string api_base;
  std::string extra_yaml;  ///< appended to the generated config (e.g. more sections)
  int read_timeout_ms = 5000;  ///< server.read_timeout_ms: the whole-request read deadline
  std::string handlers_yaml = "handlers:\n  - name: audit\n    on: [\"*\"]\n    log: {}\n";
  std::string verifier_yaml = "verifier: { workers: 2, batch_size: 32, max_backoff_s: 2 }\n";
  std::string processor_yaml = "processor: { workers: 2, batch_size: 100, max_attempts: 5, max_backoff_s: 2 }\n";
};

/// A running paypro-webhookd with a generated config.
class Daemon {
 public:
  Daemon(const TempDir& dir, DaemonOptions options);
  /// Starts the process and waits for /readyz; false if it never got ready.
  bool Start();
  /// SIGTERM and wait; the exit code.
  int Stop();
  void Kill();

  const std::string& config_path() const { return config_path_; }
  std::string webhook_url() const;
  /// The webhook listener's port, for raw connections.
  uint16_t port() const { return port_; }
  std::string admin_url() const;
  /// Posts `body` signed with `secret` at `timestamp` (now when 0).
  ClientResponse PostSigned(const std::string& body, const std::string& secret = kWebhookSecret,
                            int64_t timestamp = 0);
  /// Thread-safe: each call has its own connection.
  ClientResponse Post(const ClientRequest& request);
  ClientResponse AdminGet(const std::string& path);
  /// How often the audit log handler logged `event_id`.
  int Dispatches(const std::string& event_id) const;
  /// Waits until the audit handler logged each of `event_ids`: it logs just
  /// after the commit that marks an event processed, so a test that saw the
  /// state may read the log a moment too early.
  bool AwaitDispatched(const std::vector<std::string>& event_ids) const;
  /// The daemon's log lines that mention `event_id`, for a failing assertion's message.
  std::string LinesAbout(const std::string& event_id) const;
  std::string Output() const { return process_ ? process_->Output() : ""; }
  ChildProcess& process() { return *process_; }

 private:
  const TempDir& dir_;
  DaemonOptions options_;
  uint16_t port_;
  uint16_t admin_port_;
  std::string config_path_;
  std::string log_path_;
  std::unique_ptr<ChildProcess> process_;
};

/// Paths of the binaries under test.
std::string DaemonBinary();
std::string SandboxBinary();

/// Runs paypro-webhookd with `args` and returns {exit code, output}.
std::pair<int, std::string> RunDaemonCommand(const TempDir& dir, std::vector<std::string> args);

/// Value of a top-level string field of a JSON object ("" when absent).
std::string JsonString(const std::string& json, const std::string& key);
/// Value of a top-level integer field (-1 when absent).
int64_t JsonInt(const std::string& json, const std::string& key);
/// The strings of a top-level array field.
std::vector<std::string> JsonStrings(const std::string& json, const std::string& key);

/// Unix time in seconds.
int64_t NowSeconds();

}  // namespace webhookd::testing
