// Tests for reading `handlers:`: names, event patterns, kinds and their exact errors.
#include "config/handler_config_reader.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace webhookd {
namespace {

EnvLookup TestEnv() {
  return [](std::string_view name) -> std::optional<std::string> {
    if (name == "PATTERN") return "payment.*";
    return std::nullopt;
  };
}

// Reads `handlers:` from a document holding only that key, as config.yaml.
Result<std::vector<HandlerConfig>> Read(const std::string& yaml) {
  const EnvLookup env = TestEnv();
  YamlReader reader("config.yaml", env);
  std::vector<HandlerConfig> handlers = ReadHandlers(YamlMap(reader, YAML::Load(yaml), "", 1));
  if (reader.failed()) return reader.TakeError();
  return handlers;
}

std::string ErrorOf(const std::string& yaml) {
  const auto handlers = Read(yaml);
  if (handlers.ok()) return "(read without error)";
  EXPECT_EQ(handlers.error().code, ErrorCode::kConfig);
  return handlers.error().detail;
}

TEST(HandlerConfigReader, ReadsNamesPatternsKindsAndLines) {
  const auto handlers = Read(
      "handlers:\n"
      "  - name: audit\n"
      "    on: '*'\n"
      "    log: {}\n"
      "  - name: pay-2_x\n"
      "    on: [payment.paid, '${PATTERN}', chargeback.*]\n"
      "    log:\n");
  ASSERT_TRUE(handlers.ok()) << handlers.error().detail;
  ASSERT_EQ(handlers->size(), 2u);
  EXPECT_EQ((*handlers)[0].name, "audit");
  EXPECT_EQ((*handlers)[0].on, std::vector<std::string>{"*"});
  EXPECT_EQ((*handlers)[0].line, 2);
  EXPECT_TRUE(std::holds_alternative<LogHandlerSpec>((*handlers)[0].spec));
  EXPECT_EQ((*handlers)[1].name, "pay-2_x");
  EXPECT_EQ((*handlers)[1].on,
            (std::vector<std::string>{"payment.paid", "payment.*", "chargeback.*"}));
  EXPECT_EQ((*handlers)[1].line, 5);
}

TEST(HandlerConfigReader, AbsentOrNullListMeansNoHandlers) {
  EXPECT_TRUE(Read("other: 1\n")->empty());
  EXPECT_TRUE(Read("handlers:\n")->empty());
  EXPECT_TRUE(Read("handlers: []\n")->empty());
}

TEST(HandlerConfigReader, RequiresValidUniqueName) {
  EXPECT_EQ(ErrorOf("handlers:\n  - on: '*'\n    log: {}\n"),
            "config.yaml:2: handlers[0].name: is required");
  EXPECT_EQ(ErrorOf("handlers:\n  - name: Audit\n    on: '*'\n    log: {}\n"),
            "config.yaml:2: handlers[0].name: must be a non-empty name of a-z, 0-9, _ and -");
  EXPECT_EQ(ErrorOf("handlers:\n"
                    "  - {name: audit, on: '*', log: {}}\n"
                    "  - {name: other, on: '*', log: {}}\n"
                    "  - {name: audit, on: '*', log: {}}\n"),
            "config.yaml:4: handlers[2].name: duplicate handler name \"audit\" (first defined at "
            "line 2)");
}

TEST(HandlerConfigReader, RequiresValidPatterns) {
  EXPECT_EQ(ErrorOf("handlers:\n  - name: a\n    log: {}\n"),
            "config.yaml:2: handlers[0].on: is required");
  EXPECT_EQ(ErrorOf("handlers:\n  - name: a\n    on: []\n    log: {}\n"),
            "config.yaml:3: handlers[0].on: must list at least one event pattern");
  EXPECT_EQ(ErrorOf("handlers:\n  - name: a\n    on: [payment.paid, Payment.paid]\n    log: {}\n"),
            "config.yaml:3: handlers[0].on[1]: invalid event pattern; expected \"*\", "
            "\"<resource>.*\" or \"<resource>.<action>\" of a-z and _");
  EXPECT_EQ(ErrorOf("handlers:\n  - name: a\n    on: payment\n    log: {}\n"),
            "config.yaml:3: handlers[0].on: invalid event pattern; expected \"*\", "
            "\"<resource>.*\" or \"<resource>.<action>\" of a-z and _");
  EXPECT_EQ(ErrorOf("handlers:\n  - name: a\n    on: {payment: paid}\n    log: {}\n"),
            "config.yaml:3: handlers[0].on: expected a string or a list of strings");
}

TEST(HandlerConfigReader, RequiresExactlyOneKnownKind) {
  EXPECT_EQ(ErrorOf("handlers:\n  - name: audit\n    on: '*'\n"),
            "config.yaml:2: handlers[0]: handler \"audit\" has no kind; known kinds: log");
  EXPECT_EQ(ErrorOf("handlers:\n  - name: audit\n    on: '*'\n    log: {}\n    shell: {}\n"),
            "config.yaml:5: handlers[0].shell: handler \"audit\" has more than one kind (log, "
            "shell); known kinds: log");
  EXPECT_EQ(ErrorOf("handlers:\n  - name: audit\n    on: '*'\n    shell: rm -rf /\n"),
            "config.yaml:4: handlers[0].shell: handler \"audit\" has an unknown kind; known "
            "kinds: log");
  EXPECT_EQ(ErrorOf("handlers:\n  - name: audit\n    on: '*'\n    log: yes\n"),
            "config.yaml:4: handlers[0].log: expected a map");
  EXPECT_EQ(ErrorOf("handlers:\n  - name: audit\n    on: '*'\n    log: {level: x}\n"),
            "config.yaml:4: handlers[0].log.level: unknown key");
}

TEST(HandlerConfigReader, RejectsEntriesThatAreNotMaps) {
  EXPECT_EQ(ErrorOf("handlers:\n  - audit\n"), "config.yaml:2: handlers[0]: expected a map");
  EXPECT_EQ(ErrorOf("handlers: audit\n"), "config.yaml:1: handlers: expected a list of maps");
}

TEST(HandlerConfigReader, AcceptsOnlyDocumentedPatternShapes) {
  for (const char* good : {"*", "payment.*", "payment.paid", "sub_scription.up_dated"}) {
    EXPECT_TRUE(IsEventPattern(good)) << good;
  }
  for (const char* bad : {"", "payment", "*.paid", "payment.", ".paid", "payment.paid.x",
                          "payment.p*", "Payment.paid", "payment-x.paid", "payment.pa1d", "**"}) {
    EXPECT_FALSE(IsEventPattern(bad)) << bad;
  }
}

}  // namespace
}  // namespace webhookd
