// Lease owner names.
#include "daemon/worker_identity.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <array>

namespace webhookd {

std::string WorkerIdentity(std::string_view role, int index) {
  std::array<char, 256> host{};
  if (gethostname(host.data(), host.size() - 1) != 0) host[0] = '\0';
  return fmt::format("{}:{}:{}-{}", host.data(), getpid(), role, index);
}

}  // namespace webhookd
