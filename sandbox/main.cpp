// paypro-sandbox: PayPro's API and webhook deliveries, for tests and benchmarks.
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <cstdlib>
#include <iostream>
#include <string>
#include <vector>

#include "core/version.hpp"
#include "sandbox/sandbox_options.hpp"
#include "sandbox/sandbox_server.hpp"
#include "sandbox/trigger_command.hpp"

int main(int argc, char** argv) {
  using webhookd::sandbox::Command;
  // stdout carries only the "listening" line and command output; logs go to stderr.
  spdlog::set_default_logger(spdlog::stderr_color_mt("paypro-sandbox"));

  const std::vector<std::string> args(argv + 1, argv + argc);
  const auto env = [](std::string_view name) -> std::optional<std::string> {
    const char* value = std::getenv(std::string(name).c_str());
    return value != nullptr ? std::optional<std::string>(value) : std::nullopt;
  };
  auto command = webhookd::sandbox::ParseCommandLine(args, env);
  if (!command) {
    std::cerr << "paypro-sandbox: " << command.error().reason << "\n";
    return 2;
  }
  switch (command->kind) {
    case Command::Kind::kHelp:
      std::cout << webhookd::sandbox::UsageText();
      return 0;
    case Command::Kind::kVersion:
      std::cout << "paypro-sandbox " << webhookd::kVersion << "\n";
      return 0;
    case Command::Kind::kTrigger:
      return webhookd::sandbox::RunTrigger(command->trigger);
    case Command::Kind::kServe:
      return webhookd::sandbox::ServeSandbox(std::move(command->serve));
  }
  return 2;
}
