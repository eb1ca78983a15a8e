// Tests for paypro-loadgen's command line.
#include "bench/load_options.hpp"

#include <gtest/gtest.h>

#include <vector>

namespace webhookd::bench {
namespace {

Result<LoadOptions> Parse(std::vector<std::string_view> args) { return ParseLoadOptions(args); }

TEST(LoadOptions, DefaultsToAClosedLoopOverKeepAlive) {
  auto options =
      Parse({"--url", "http://127.0.0.1:8080/webhooks/paypro", "--requests", "calls.ndjson"});
  ASSERT_TRUE(options.ok()) << options.error().reason;
  EXPECT_EQ(options->target.port, "8080");
  EXPECT_EQ(options->target.base_path, "/webhooks/paypro");
  EXPECT_EQ(options->source.file, "calls.ndjson");
  EXPECT_FALSE(options->plan.rate.has_value());
  EXPECT_EQ(options->plan.duration, std::chrono::seconds(10));
  EXPECT_EQ(options->connections, 64u);
  EXPECT_FALSE(options->connection_close);
  EXPECT_FALSE(options->repeat);
  EXPECT_EQ(options->signing, Signing::kAsExported);
}

TEST(LoadOptions, ReadsAnOpenLoopRunFromTheSandbox) {
  auto options = Parse({"--url",
                        "http://127.0.0.1:1/x",
                        "--sandbox",
                        "http://127.0.0.1:2",
                        "--events",
                        "5000",
                        "--type",
                        "lifecycle",
                        "--rate",
                        "2000",
                        "--duration-s",
                        "0.5",
                        "--count",
                        "900",
                        "--connections",
                        "8",
                        "--threads",
                        "2",
                        "--connection-close",
                        "--repeat",
                        "--resign",
                        "paypro",
                        "--secret",
                        "whsec",
                        "--timeout-ms",
                        "250"});
  ASSERT_TRUE(options.ok()) << options.error().reason;
  ASSERT_TRUE(options->source.sandbox.has_value());
  EXPECT_EQ(options->source.sandbox->port, "2");
  EXPECT_EQ(options->source.events, 5000u);
  EXPECT_EQ(options->source.type, "lifecycle");
  EXPECT_DOUBLE_EQ(*options->plan.rate, 2000);
  EXPECT_EQ(options->plan.duration, std::chrono::milliseconds(500));
  EXPECT_EQ(options->plan.max_requests, 900u);
  EXPECT_EQ(options->connections, 8u);
  EXPECT_EQ(options->threads, 2u);
  EXPECT_TRUE(options->connection_close);
  EXPECT_TRUE(options->repeat);
  EXPECT_EQ(options->signing, Signing::kPayPro);
  EXPECT_EQ(options->secret.Reveal(), "whsec");
  EXPECT_EQ(options->timeout, std::chrono::milliseconds(250));
}

TEST(LoadOptions, RefusesWhatCannotRun) {
  const std::string_view url = "http://127.0.0.1:1/x";
  const std::vector<std::vector<std::string_view>> bad = {
      {"--requests", "f"},                                           // no --url
      {"--url", url},                                                // no source
      {"--url", url, "--requests", "f", "--sandbox", "http://h:1"},  // two sources
      {"--url", url, "--sandbox", "http://h:1"},                     // no --events
      {"--url", "https://h/x", "--requests", "f"},                   // TLS target
      {"--url", url, "--requests", "f", "--rate", "0"},
      {"--url", url, "--requests", "f", "--rate", "fast"},
      {"--url", url, "--requests", "f", "--connections", "0"},
      {"--url", url, "--requests", "f", "--connections", "2", "--threads", "3"},
      {"--url", url, "--requests", "f", "--duration-s", "-1"},
      {"--url", url, "--requests", "f", "--resign", "paypro"},  // no --secret
      {"--url", url, "--requests", "f", "--resign", "md5", "--secret", "s"},
      {"--url", url, "--requests", "f", "--bogus", "1"},
      {"--url", url, "--requests"},
      {"--url", url, "--requests", "f", "stray"},
  };
  for (const auto& args : bad) {
    auto options = Parse(args);
    EXPECT_FALSE(options.ok()) << args.size() << " args, last " << args.back();
    if (!options.ok()) {
      EXPECT_EQ(options.error().code, ErrorCode::kBadRequest);
    }
  }
}

TEST(LoadOptions, UsageNamesEveryFlag) {
  for (std::string_view flag :
       {"--url", "--requests", "--sandbox", "--events", "--rate", "--duration-s", "--count",
        "--connections", "--threads", "--connection-close", "--repeat", "--resign", "--secret",
        "--timeout-ms", "--type"}) {
    EXPECT_NE(LoadUsage().find(flag), std::string_view::npos) << flag;
  }
}

}  // namespace
}  // namespace webhookd::bench
