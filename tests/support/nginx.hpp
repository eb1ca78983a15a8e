// A real nginx for black-box tests: a site file under a generated main config, in the foreground.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/http_client.hpp"
#include "tests/support/child_process.hpp"

namespace webhookd::testing {

inline constexpr const char* kNginxBinary = "/usr/sbin/nginx";

/// A self-signed certificate for 127.0.0.1: the server's certificate and,
/// for clients, the CA they trust.
struct Certificate {
  std::string cert_file;
  std::string key_file;
};

/// Makes one in `dir` with the openssl command; throws when that fails.
Certificate MakeCertificate(const TempDir& dir);

/// Runs a program to its end; its output. Throws with the output unless it exits 0.
std::string RunOrThrow(const TempDir& dir, std::vector<std::string> argv, const std::string& name);

/// Replaces the one occurrence of `from` in `text`; throws when there is
/// none or more than one, naming `from`.
void ReplaceOnce(std::string& text, const std::string& from, const std::string& to);

/// How many lines of `text` start with `prefix`.
size_t CountLines(const std::string& text, const std::string& prefix);

/// nginx on a free port of 127.0.0.1, serving HTTPS with `certificate`,
/// with the site file at `site_path` (paypro-webhookd.conf) in front of the
/// daemons at `upstream_ports` (one `server` line each, the way the site file
/// tells operators to add daemons). Waits until it answers; throws when it does not.
class Nginx {
 public:
  Nginx(const TempDir& dir, const std::string& site_path, const Certificate& certificate,
        const std::vector<uint16_t>& upstream_ports);
  Nginx(const TempDir& dir, const std::string& site_path, const Certificate& certificate,
        uint16_t upstream_port)
      : Nginx(dir, site_path, certificate, std::vector<uint16_t>{upstream_port}) {}
  /// SIGTERM, nginx's fast shutdown: the master ends its workers before it
  /// exits, where a SIGKILL would leave them serving the port.
  ~Nginx();
  Nginx(const Nginx&) = delete;
  Nginx& operator=(const Nginx&) = delete;

  std::string url() const;
  std::string webhook_url() const { return url() + "/webhooks/paypro"; }
  const std::string& ca_file() const { return ca_file_; }
  /// A client that trusts the test certificate.
  HttpClientOptions Options() const;
  /// One line per request: "<status> <upstream address, or - when nginx answered itself> <uri>";
  /// when nginx tried more than one upstream, their addresses in order, ", " between.
  std::string AccessLog() const;
  /// Whether exactly `count` access log lines start with `prefix`, waiting a
  /// little for them: nginx writes a line once the answer is out, so a
  /// client may be a moment ahead.
  bool Logged(const std::string& prefix, size_t count) const;
  /// nginx's error log.
  std::string Output() const { return process_->Output(); }

 private:
  std::string MainConfig() const;

  const TempDir& dir_;
  std::string ca_file_;
  uint16_t port_;
  std::unique_ptr<ChildProcess> process_;
};

}  // namespace webhookd::testing
