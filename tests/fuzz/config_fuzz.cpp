// libFuzzer target: YAML config text through ParseConfig, with a fixed fake environment.
//
// The input is the whole config file. The file name is in a folder that does
// not exist, and the fake environment's CREDENTIALS_DIRECTORY too, so relative
// secret files and credentials are never found; absolute paths are read as
// the daemon would (scripts/fuzz runs the target with stdin from /dev/null).
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "config/config_loader.hpp"
#include "tests/fuzz/fuzz_check.hpp"

namespace webhookd::fuzz {
namespace {

constexpr std::string_view kFile = "/nonexistent-webhookd-fuzz/config.yaml";

// The variables config/example.yaml and the seeds use, and one set but empty.
std::optional<std::string> FakeEnvironment(std::string_view name) {
  if (name == "PAYPRO_API_KEY") return "fuzz-api-key";
  if (name == "PAYPRO_WEBHOOK_SECRET") return "whsec_test";
  if (name == "DATABASE_URL") return "postgresql://webhookd@localhost/webhookd";
  if (name == "SHOP_SECRET") return "shop-secret";
  if (name == "CREDENTIALS_DIRECTORY") return "/nonexistent-webhookd-fuzz/credentials";
  if (name == "EMPTY") return "";
  return std::nullopt;
}

}  // namespace
}  // namespace webhookd::fuzz

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace webhookd;
  using namespace webhookd::fuzz;
  static const EnvLookup kEnv = FakeEnvironment;
  const std::string_view yaml(reinterpret_cast<const char*>(data), size);
  const Result<Config> config = ParseConfig(yaml, kFile, kEnv);
  if (config) {
    FuzzCheck(config->file == kFile, "a loaded config remembers its file");
  } else {
    FuzzCheck(config.error().code == ErrorCode::kConfig, "a refused config is a kConfig error");
    FuzzCheck(config.error().detail.starts_with(kFile), "a config error names the file first");
  }
  return 0;
}
