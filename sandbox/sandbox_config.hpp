// Everything `paypro-sandbox serve` is started with.
#pragma once

#include <cstdint>
#include <string>

#include "core/secret.hpp"
#include "core/url.hpp"
#include "sandbox/fault_plan.hpp"

namespace webhookd::sandbox {

struct SandboxConfig {
  HostPort listen{"127.0.0.1", 8090};
  std::string public_url;  ///< base of links in answers; "" means http://<Host header>
  Secret api_key;          ///< the Bearer key API requests must carry
  Secret webhook_secret;   ///< signs webhook calls
  std::string webhook_ca_file;  ///< extra CA certificates (PEM) trusted for https webhook targets
  size_t threads = 1;      ///< Asio threads; one is cheapest (docs/BENCHMARKS.md, "One I/O thread")
  uint64_t seed = 0;       ///< 0: a random seed
  Faults faults;           ///< faults in force from the start
};

}  // namespace webhookd::sandbox
