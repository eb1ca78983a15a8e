// Tests for paypro-sandbox's command line.
#include "sandbox/sandbox_options.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <map>

namespace webhookd::sandbox {
namespace {

EnvLookup Env(std::map<std::string, std::string> values = {}) {
  return [values](std::string_view name) -> std::optional<std::string> {
    const auto found = values.find(std::string(name));
    return found == values.end() ? std::nullopt : std::optional<std::string>(found->second);
  };
}

TEST(SandboxOptions, ParsesServeWithFaults) {
  auto command = ParseCommandLine(
      {"serve", "--listen", "127.0.0.1:0", "--api-key", "pp_k", "--webhook-secret=s", "--threads",
       "4", "--error-rate", "0.25", "--latency-ms=7", "--seed", "9", "--public-url",
       "https://api.paypro.test", "--max-delivery-attempts", "3"},
      Env());
  ASSERT_TRUE(command.ok()) << command.error().reason;
  EXPECT_EQ(command->kind, Command::Kind::kServe);
  const SandboxConfig& config = command->serve;
  EXPECT_EQ(config.listen.port, 0);
  EXPECT_EQ(config.api_key.Reveal(), "pp_k");
  EXPECT_EQ(config.webhook_secret.Reveal(), "s");
  EXPECT_EQ(config.threads, 4u);
  EXPECT_EQ(config.seed, 9u);
  EXPECT_DOUBLE_EQ(config.faults.error_rate, 0.25);
  EXPECT_EQ(config.faults.latency_ms, 7);
  EXPECT_EQ(config.faults.max_delivery_attempts, 3);
  EXPECT_EQ(config.public_url, "https://api.paypro.test");
}

TEST(SandboxOptions, SecretsMayComeFromTheEnvironment) {
  auto command = ParseCommandLine(
      {"serve"}, Env({{"PAYPRO_SANDBOX_API_KEY", "k"}, {"PAYPRO_SANDBOX_WEBHOOK_SECRET", "w"}}));
  ASSERT_TRUE(command.ok());
  EXPECT_EQ(command->serve.api_key.Reveal(), "k");
  EXPECT_EQ(command->serve.webhook_secret.Reveal(), "w");
  EXPECT_EQ(command->serve.threads, 1u);
}

TEST(SandboxOptions, RejectsBadFlagsWithoutEchoingSecrets) {
  for (const std::vector<std::string>& args : std::vector<std::vector<std::string>>{
           {"serve", "--api-key", "k"},
           {"serve", "--api-key", "k", "--webhook-secret", "w", "--error-rate", "2"},
           {"serve", "--api-key", "k", "--webhook-secret", "w", "--threads", "zero"},
           {"serve", "--api-key", "k", "--webhook-secret", "w", "--listen", "nowhere"},
           {"serve", "--api-key", "k", "--webhook-secret", "w", "--frobnicate", "1"},
           {"serve", "--api-key", "k", "--webhook-secret", "w", "--latency-ms"},
           {"explode"},
           {},
       }) {
    auto command = ParseCommandLine(args, Env());
    EXPECT_FALSE(command.ok());
    if (!command.ok()) {
      EXPECT_EQ(command.error().reason.find("'k'"), std::string::npos);
    }
  }
}

TEST(SandboxOptions, TakesAReadableWebhookCaFile) {
  const std::filesystem::path ca =
      std::filesystem::temp_directory_path() / ("sandbox_options_test_ca_" + std::to_string(::getpid()) + ".pem");
  std::ofstream(ca) << "-----BEGIN CERTIFICATE-----\n";
  auto command = ParseCommandLine({"serve", "--api-key", "k", "--webhook-secret", "w", "--webhook-ca-file", ca.string()},
                                  Env());
  std::filesystem::remove(ca);
  ASSERT_TRUE(command.ok()) << command.error().reason;
  EXPECT_EQ(command->serve.webhook_ca_file, ca.string());
  EXPECT_EQ(ParseCommandLine({"serve", "--api-key", "k", "--webhook-secret", "w"}, Env())->serve.webhook_ca_file, "");

  auto missing = ParseCommandLine(
      {"serve", "--api-key", "k", "--webhook-secret", "w", "--webhook-ca-file", "/nonexistent/ca.pem"}, Env());
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().reason, "--webhook-ca-file: cannot read /nonexistent/ca.pem: No such file or directory");
}

TEST(SandboxOptions, ParsesTrigger) {
  auto command = ParseCommandLine({"trigger", "--sandbox", "http://127.0.0.1:8090", "--to",
                                   "http://127.0.0.1:8080/webhooks/paypro", "--count", "50",
                                   "--type", "lifecycle", "--concurrency", "4", "--wait"},
                                  Env());
  ASSERT_TRUE(command.ok()) << command.error().reason;
  EXPECT_EQ(command->kind, Command::Kind::kTrigger);
  EXPECT_EQ(command->trigger.sandbox.port, "8090");
  EXPECT_EQ(command->trigger.count, 50);
  EXPECT_EQ(command->trigger.type, "lifecycle");
  EXPECT_EQ(command->trigger.concurrency, 4);
  EXPECT_TRUE(command->trigger.wait);
  EXPECT_FALSE(ParseCommandLine({"trigger", "--to", "http://x"}, Env()).ok());
}

TEST(SandboxOptions, HelpAndVersion) {
  EXPECT_EQ(ParseCommandLine({"--help"}, Env())->kind, Command::Kind::kHelp);
  EXPECT_EQ(ParseCommandLine({"serve", "--help"}, Env())->kind, Command::Kind::kHelp);
  EXPECT_EQ(ParseCommandLine({"--version"}, Env())->kind, Command::Kind::kVersion);
  EXPECT_NE(UsageText().find("paypro-sandbox serve"), std::string_view::npos);
}

}  // namespace
}  // namespace webhookd::sandbox
