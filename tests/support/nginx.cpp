// nginx and its certificate for black-box tests.
#include "tests/support/nginx.hpp"

#include <fmt/format.h>
#include <signal.h>
#include <unistd.h>

#include <stdexcept>
#include <string_view>

namespace webhookd::testing {

namespace {

constexpr const char* kOpenssl = "/usr/bin/openssl";
constexpr auto kCommandTimeout = std::chrono::seconds(30);
constexpr auto kStartTimeout = std::chrono::seconds(20);
constexpr std::string_view kShippedAddress = "server 127.0.0.1:8080";

// The site file's upstream server line, to the end of its line: with its
// parameters (max_fails=...).
std::string ShippedServerLine(const std::string& site) {
  const size_t at = site.find(kShippedAddress);
  if (at == std::string::npos) throw std::runtime_error("no '" + std::string(kShippedAddress) + "'");
  return site.substr(at, site.find('\n', at) - at);
}

// That line once per port, the way the site file tells operators to add daemons.
std::string UpstreamServers(const std::string& shipped_line, const std::vector<uint16_t>& ports) {
  if (ports.empty()) throw std::invalid_argument("nginx needs at least one upstream");
  std::string servers;
  for (const uint16_t port : ports) {
    std::string line = shipped_line;
    ReplaceOnce(line, std::string(kShippedAddress), fmt::format("server 127.0.0.1:{}", port));
    servers += (servers.empty() ? "" : "\n    ") + line;
  }
  return servers;
}

}  // namespace

std::string RunOrThrow(const TempDir& dir, std::vector<std::string> argv, const std::string& name) {
  ChildProcess process(std::move(argv), dir.File(name + ".log"));
  if (const int code = process.Wait(kCommandTimeout); code != 0) {
    throw std::runtime_error(fmt::format("{} exited {}: {}", name, code, process.Output()));
  }
  return process.Output();
}

Certificate MakeCertificate(const TempDir& dir) {
  Certificate made{dir.File("nginx-cert.pem"), dir.File("nginx-key.pem")};
  RunOrThrow(dir,
             {kOpenssl, "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
              "-nodes", "-keyout", made.key_file, "-out", made.cert_file, "-days", "2", "-subj",
              "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"},
             "openssl");
  return made;
}

void ReplaceOnce(std::string& text, const std::string& from, const std::string& to) {
  const size_t at = text.find(from);
  if (at == std::string::npos || text.find(from, at + 1) != std::string::npos) {
    throw std::runtime_error("expected exactly one '" + from + "'");
  }
  text.replace(at, from.size(), to);
}

size_t CountLines(const std::string& text, const std::string& prefix) {
  size_t count = 0;
  for (size_t at = 0; at < text.size();) {
    const size_t end = text.find('\n', at);
    if (text.compare(at, prefix.size(), prefix) == 0) ++count;
    at = end == std::string::npos ? text.size() : end + 1;
  }
  return count;
}

// The placeholders are the shipped file's own values: should the file change
// so that one no longer matches, ReplaceOnce fails instead of the test
// running against something else.
Nginx::Nginx(const TempDir& dir, const std::string& site_path, const Certificate& certificate,
             const std::vector<uint16_t>& upstream_ports)
    : dir_(dir), ca_file_(certificate.cert_file), port_(FreePort()) {
  std::string site = ReadFile(site_path);
  const std::string shipped_server = ShippedServerLine(site);
  ReplaceOnce(site, shipped_server, UpstreamServers(shipped_server, upstream_ports));
  ReplaceOnce(site, "listen 443 ssl;", fmt::format("listen 127.0.0.1:{} ssl;", port_));
  ReplaceOnce(site, "listen [::]:443 ssl;", "");
  ReplaceOnce(site, "/etc/ssl/certs/paypro-webhookd.pem", certificate.cert_file);
  ReplaceOnce(site, "/etc/ssl/private/paypro-webhookd.key", certificate.key_file);
  WriteFile(dir.File("paypro-webhookd.conf"), site);
  WriteFile(dir.File("nginx.conf"), MainConfig());
  process_ = std::make_unique<ChildProcess>(
      std::vector<std::string>{kNginxBinary, "-p", dir.path(), "-c", dir.File("nginx.conf"), "-e",
                               "stderr", "-g", "daemon off;"},
      dir.File("nginx.log"));
  HttpClientOptions quick = Options();
  quick.connect_timeout = std::chrono::milliseconds(500);
  HttpClient probe(*ParseUrl(url()), quick);
  const bool up = Eventually(
      [&] {
        if (!process_->running()) return true;
        auto answer = probe.Send(ClientRequest{"GET", "/", {}, {}});
        return answer && answer->status == 404;
      },
      kStartTimeout);
  if (!up || !process_->running()) {
    throw std::runtime_error("nginx did not start: " + process_->Output());
  }
}

Nginx::~Nginx() {
  process_->Signal(SIGTERM);
  process_->Wait(std::chrono::seconds(10));
}

std::string Nginx::url() const { return fmt::format("https://127.0.0.1:{}", port_); }

HttpClientOptions Nginx::Options() const {
  HttpClientOptions options;
  options.ca_file = ca_file_;
  return options;
}

std::string Nginx::AccessLog() const { return ReadFile(dir_.File("access.log")); }

bool Nginx::Logged(const std::string& prefix, size_t count) const {
  Eventually([&] { return CountLines(AccessLog(), prefix) >= count; }, std::chrono::seconds(5));
  return CountLines(AccessLog(), prefix) == count;
}

// Everything in the test's folder. `user root` because the workers must
// reach that 0700 folder; nginx ignores the directive unless run as root.
std::string Nginx::MainConfig() const {
  const std::string prefix = dir_.path();
  return fmt::format(
      "{}worker_processes 1;\npid {}/nginx.pid;\nerror_log stderr notice;\n"
      "events {{ worker_connections 1024; }}\n"
      "http {{\n"
      "  log_format probe '$status $upstream_addr $request_uri';\n"
      "  access_log {}/access.log probe;\n"
      "  client_body_temp_path {}/client_body;\n  proxy_temp_path {}/proxy;\n"
      "  fastcgi_temp_path {}/fastcgi;\n  uwsgi_temp_path {}/uwsgi;\n  scgi_temp_path {}/scgi;\n"
      "  include {}/paypro-webhookd.conf;\n"
      "}}\n",
      ::geteuid() == 0 ? "user root;\n" : "", prefix, prefix, prefix, prefix, prefix, prefix,
      prefix, prefix);
}

}  // namespace webhookd::testing
