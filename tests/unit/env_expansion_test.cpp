// Tests for ${NAME} expansion in config values.
#include "config/env_expansion.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <map>

namespace webhookd {
namespace {

EnvLookup FakeEnv() {
  return [](std::string_view name) -> std::optional<std::string> {
    static const std::map<std::string, std::string, std::less<>> kVars = {
        {"HOST", "db.internal"}, {"PORT", "5432"}, {"EMPTY", ""}, {"DOLLAR", "$"}};
    const auto found = kVars.find(name);
    if (found == kVars.end()) return std::nullopt;
    return found->second;
  };
}

std::string Expand(std::string_view text) {
  auto expanded = ExpandEnvironment(text, FakeEnv());
  return expanded ? *expanded : "error: " + expanded.error().detail;
}

TEST(EnvExpansion, ReplacesEachVariable) {
  EXPECT_EQ(Expand("${HOST}"), "db.internal");
  EXPECT_EQ(Expand("host=${HOST} port=${PORT}"), "host=db.internal port=5432");
  EXPECT_EQ(Expand("a${EMPTY}b"), "ab");
  EXPECT_EQ(Expand("no variables"), "no variables");
  EXPECT_EQ(Expand(""), "");
}

TEST(EnvExpansion, DoubleDollarIsLiteralDollarAndLoneDollarStays) {
  EXPECT_EQ(Expand("$$"), "$");
  EXPECT_EQ(Expand("$${HOST}"), "${HOST}");
  EXPECT_EQ(Expand("$$$${HOST}"), "$${HOST}");
  EXPECT_EQ(Expand("$$${HOST}"), "$db.internal");
  EXPECT_EQ(Expand("pa$word$"), "pa$word$");
  EXPECT_EQ(Expand("${DOLLAR}{HOST}"), "${HOST}");
}

TEST(EnvExpansion, UnsetVariableIsNamedInError) {
  const auto expanded = ExpandEnvironment("x${NOPE}y", FakeEnv());
  ASSERT_FALSE(expanded.ok());
  EXPECT_EQ(expanded.error().code, ErrorCode::kConfig);
  EXPECT_EQ(expanded.error().detail, "environment variable NOPE is not set");
}

TEST(EnvExpansion, RejectsMalformedReferencesWithoutEchoingThem) {
  EXPECT_EQ(Expand("${HOST"), "error: unterminated ${ (write $$ for a literal $)");
  EXPECT_EQ(Expand("${}"), "error: invalid variable name in ${...} (write $$ for a literal $)");
  EXPECT_EQ(Expand("${s3cr3t pass}"),
            "error: invalid variable name in ${...} (write $$ for a literal $)");
  EXPECT_EQ(Expand("${9LIVES}"),
            "error: invalid variable name in ${...} (write $$ for a literal $)");
}

TEST(EnvExpansion, ProcessEnvironmentReadsGetenv) {
  ASSERT_EQ(::setenv("WEBHOOKD_ENV_EXPANSION_TEST", "from-process", 1), 0);
  const EnvLookup env = ProcessEnvironment();
  EXPECT_EQ(env("WEBHOOKD_ENV_EXPANSION_TEST"), "from-process");
  ::unsetenv("WEBHOOKD_ENV_EXPANSION_TEST");
  EXPECT_EQ(env("WEBHOOKD_ENV_EXPANSION_TEST"), std::nullopt);
}

}  // namespace
}  // namespace webhookd
