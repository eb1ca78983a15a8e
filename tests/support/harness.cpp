// Sandbox and daemon processes for black-box tests.
#include "tests/support/harness.hpp"

#include <fmt/format.h>
#include <signal.h>
#include <simdjson.h>

#include <algorithm>
#include <sstream>
#include <stdexcept>

#include "paypro/signature.hpp"

namespace webhookd::testing {

namespace {

constexpr auto kStartTimeout = std::chrono::seconds(20);
// Above the longest long poll a test asks the sandbox for
// (/_sandbox/deliveries?wait_ms=60000): the sandbox, not the client, decides
// when such a call ends.
constexpr auto kControlTimeout = std::chrono::seconds(90);


Url LocalUrl(uint16_t port) { return *ParseUrl(fmt::format("http://127.0.0.1:{}", port)); }

ClientResponse MustSend(HttpClient& client, const ClientRequest& request) {
  auto response = client.Send(request);
  if (!response) throw std::runtime_error("request failed: " + response.error().detail);
  return *response;
}

simdjson::dom::element ParseJson(simdjson::dom::parser& parser, const std::string& json) {
  simdjson::dom::element root;
  if (parser.parse(json).get(root) != simdjson::SUCCESS) throw std::runtime_error("not JSON: " + json);
  return root;
}

// The start of the audit log handler's line about `event_id`.
std::string AuditLine(const std::string& event_id) { return "handler=audit event=" + event_id + " "; }

}  // namespace

// scripts/test may point at other builds; by default, the binaries built with the tests.
std::string SandboxBinary() { return BinaryPath("PAYPRO_SANDBOX_BIN", WEBHOOKD_SANDBOX_BIN); }
std::string DaemonBinary() { return BinaryPath("PAYPRO_WEBHOOKD_BIN", WEBHOOKD_DAEMON_BIN); }

Sandbox::Sandbox(const TempDir& dir, std::vector<std::string> extra_args) {
  std::vector<std::string> argv = {SandboxBinary(), "serve", "--listen", "127.0.0.1:0", "--api-key", kApiKey,
                                   "--webhook-secret", kWebhookSecret, "--seed", "7"};
  argv.insert(argv.end(), extra_args.begin(), extra_args.end());
  process_ = std::make_unique<ChildProcess>(argv, dir.File("sandbox.log"));
  const std::string marker = "paypro-sandbox listening on 127.0.0.1:";
  if (!process_->WaitForOutput(marker, kStartTimeout)) {
    throw std::runtime_error("sandbox did not start: " + process_->Output());
  }
  const std::string output = process_->Output();
  const size_t at = output.find(marker) + marker.size();
  const auto port = static_cast<uint16_t>(std::stoi(output.substr(at, output.find('\n', at) - at)));
  url_ = fmt::format("http://127.0.0.1:{}", port);
  HttpClientOptions control_options;
  control_options.request_timeout = kControlTimeout;
  control_ = std::make_unique<HttpClient>(LocalUrl(port), control_options);
}

ClientResponse Sandbox::Post(const std::string& path, const std::string& json) {
  ClientRequest request;
  request.method = "POST";
  request.target = path;
  request.headers.Add("Content-Type", "application/json");
  request.body = json;
  return MustSend(*control_, request);
}

ClientResponse Sandbox::Get(const std::string& path) {
  ClientRequest request;
  request.target = path;
  return MustSend(*control_, request);
}

std::vector<std::string> Sandbox::CreateEvents(int count, const std::string& type) {
  const ClientResponse response = Post("/_sandbox/events", fmt::format(R"({{"count":{},"type":"{}"}})", count, type));
  simdjson::dom::parser parser;
  std::vector<std::string> events;
  for (simdjson::dom::element event : ParseJson(parser, response.body)["events"].get_array()) {
    events.push_back(simdjson::minify(event));
  }
  return events;
}

int Sandbox::Fetches(const std::string& id) {
  return static_cast<int>(JsonInt(Get("/_sandbox/stats/fetches/" + id).body, "fetches"));
}

Daemon::Daemon(const TempDir& dir, DaemonOptions options)
    : dir_(dir), options_(std::move(options)), port_(FreePort()), admin_port_(FreePort()) {
  config_path_ = dir_.File("config.yaml");
  log_path_ = dir_.File("daemon.log");
  const std::string yaml = fmt::format(
      "server:\n  listen: 127.0.0.1:{}\n  path: /webhooks/paypro\n  read_timeout_ms: {}\n"
      "admin:\n  listen: 127.0.0.1:{}\n"
      "paypro:\n  api_base: {}\n  api_key: ${{TEST_PAYPRO_API_KEY}}\n"
      "  webhook_secrets: [\"${{TEST_PAYPRO_WEBHOOK_SECRET}}\"]\n  request_timeout_ms: 2000\n"
      "database:\n  url: {}\n"
      "log: {{ level: debug }}\n{}{}{}{}",
      port_, options_.read_timeout_ms, admin_port_, options_.api_base, options_.database_url, options_.verifier_yaml,
      options_.processor_yaml, options_.handlers_yaml, options_.extra_yaml);
  WriteFile(config_path_, yaml);
}

bool Daemon::Start() {
  process_ = std::make_unique<ChildProcess>(
      std::vector<std::string>{DaemonBinary(), "--config", config_path_}, log_path_,
      std::map<std::string, std::string>{{"TEST_PAYPRO_API_KEY", kApiKey}, {"TEST_PAYPRO_WEBHOOK_SECRET", kWebhookSecret}});
  HttpClientOptions quick;
  quick.connect_timeout = std::chrono::milliseconds(500);
  quick.request_timeout = std::chrono::milliseconds(2000);
  HttpClient admin(LocalUrl(admin_port_), quick);
  return Eventually(
      [&] {
        if (!process_->running()) return true;
        auto response = admin.Send(ClientRequest{"GET", "/readyz", {}, {}});
        return response && response->status == 200;
      },
      kStartTimeout) &&
         process_->running();
}

int Daemon::Stop() {
  process_->Signal(SIGTERM);
  return process_->Wait(std::chrono::seconds(30));
}

void Daemon::Kill() {
  process_->Signal(SIGKILL);
  process_->Wait(std::chrono::seconds(10));
}

std::string Daemon::webhook_url() const { return fmt::format("http://127.0.0.1:{}/webhooks/paypro", port_); }
std::string Daemon::admin_url() const { return fmt::format("http://127.0.0.1:{}", admin_port_); }

ClientResponse Daemon::PostSigned(const std::string& body, const std::string& secret, int64_t timestamp) {
  const std::string stamp = std::to_string(timestamp == 0 ? NowSeconds() : timestamp);
  ClientRequest request;
  request.method = "POST";
  request.target = "/webhooks/paypro";
  request.headers.Add("Content-Type", "application/json");
  request.headers.Add("PayPro-Timestamp", stamp);
  request.headers.Add("PayPro-Signature", ComputeWebhookSignature(Secret(secret), stamp, body));
  request.body = body;
  return Post(request);
}

// A connection per call: tests post from many threads, and a client is not thread-safe.
ClientResponse Daemon::Post(const ClientRequest& request) {
  HttpClient client(LocalUrl(port_));
  return MustSend(client, request);
}

ClientResponse Daemon::AdminGet(const std::string& path) {
  HttpClient admin(LocalUrl(admin_port_));
  return MustSend(admin, ClientRequest{"GET", path, {}, {}});
}

int Daemon::Dispatches(const std::string& event_id) const {
  const std::string output = Output();
  const std::string needle = AuditLine(event_id);
  int count = 0;
  for (size_t at = output.find(needle); at != std::string::npos; at = output.find(needle, at + 1)) ++count;
  return count;
}

bool Daemon::AwaitDispatched(const std::vector<std::string>& event_ids) const {
  return Eventually([&] {
    const std::string output = Output();
    return std::all_of(event_ids.begin(), event_ids.end(),
                       [&](const std::string& id) { return output.find(AuditLine(id)) != std::string::npos; });
  }, std::chrono::seconds(10));
}

std::string Daemon::LinesAbout(const std::string& event_id) const {
  std::istringstream output(Output());
  std::string lines;
  for (std::string line; std::getline(output, line);) {
    if (line.find(event_id) != std::string::npos) lines += line + "\n";
  }
  return lines;
}

std::pair<int, std::string> RunDaemonCommand(const TempDir& dir, std::vector<std::string> args) {
  args.insert(args.begin(), DaemonBinary());
  const std::string log = dir.File("command-" + std::to_string(NowSeconds()) + "-" + std::to_string(rand()) + ".log");
  ChildProcess process(args, log,
                       {{"TEST_PAYPRO_API_KEY", kApiKey}, {"TEST_PAYPRO_WEBHOOK_SECRET", kWebhookSecret}});
  const int code = process.Wait(std::chrono::seconds(30));
  return {code, process.Output()};
}

std::string JsonString(const std::string& json, const std::string& key) {
  simdjson::dom::parser parser;
  std::string_view value;
  if (ParseJson(parser, json)[key].get_string().get(value) != simdjson::SUCCESS) return "";
  return std::string(value);
}

int64_t JsonInt(const std::string& json, const std::string& key) {
  simdjson::dom::parser parser;
  int64_t value = -1;
  if (ParseJson(parser, json)[key].get_int64().get(value) != simdjson::SUCCESS) return -1;
  return value;
}

std::vector<std::string> JsonStrings(const std::string& json, const std::string& key) {
  simdjson::dom::parser parser;
  std::vector<std::string> values;
  simdjson::dom::array array;
  if (ParseJson(parser, json)[key].get_array().get(array) != simdjson::SUCCESS) return values;
  for (simdjson::dom::element element : array) {
    std::string_view value;
    if (element.get_string().get(value) == simdjson::SUCCESS) values.emplace_back(value);
  }
  return values;
}

int64_t NowSeconds() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

}  // namespace webhookd::testing
