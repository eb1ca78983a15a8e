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
Result<std::vector<HandlerConfig>> Read(const std::string& yaml,
                                        const ProcessorConfig& processor = {}) {
  const EnvLookup env = TestEnv();
  YamlReader reader("config.yaml", env);
  std::vector<HandlerConfig> handlers =
      ReadHandlers(YamlMap(reader, YAML::Load(yaml), "", 1), processor);
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
            "config.yaml:2: handlers[0]: handler \"audit\" has no kind; known kinds: log, sql, "
            "notify, mirror, http, exec");
  EXPECT_EQ(ErrorOf("handlers:\n  - name: audit\n    on: '*'\n    log: {}\n    shell: {}\n"),
            "config.yaml:5: handlers[0].shell: handler \"audit\" has more than one kind (log, "
            "shell); known kinds: log, sql, notify, mirror, http, exec");
  EXPECT_EQ(ErrorOf("handlers:\n  - name: audit\n    on: '*'\n    shell: rm -rf /\n"),
            "config.yaml:4: handlers[0].shell: handler \"audit\" has an unknown kind; known "
            "kinds: log, sql, notify, mirror, http, exec");
  EXPECT_EQ(ErrorOf("handlers:\n  - name: audit\n    on: '*'\n    log: yes\n"),
            "config.yaml:4: handlers[0].log: expected a map");
  EXPECT_EQ(ErrorOf("handlers:\n  - name: audit\n    on: '*'\n    log: {level: x}\n"),
            "config.yaml:4: handlers[0].log.level: unknown key");
}

TEST(HandlerConfigReader, ReadsWhenNextToTheKind) {
  const auto handlers = Read(
      "handlers:\n"
      "  - name: big-payments\n"
      "    on: payment.paid\n"
      "    when:\n"
      "      payload.amount: { gte: 10000 }\n"
      "    log: {}\n");
  ASSERT_TRUE(handlers.ok()) << handlers.error().detail;
  ASSERT_EQ((*handlers)[0].when.size(), 1u);
  EXPECT_EQ((*handlers)[0].when[0].path, "payload.amount");
  EXPECT_EQ((*handlers)[0].when[0].op, WhenCondition::Op::kGte);
  EXPECT_EQ((*handlers)[0].when[0].operands[0].integer, 10000);
  EXPECT_EQ((*handlers)[0].retry.max_attempts, 1);
  EXPECT_EQ(ErrorOf("handlers:\n  - name: a\n    on: refund.*\n    when: {payload.paid_at: "
                    "{exists: true}}\n    log: {}\n"),
            "config.yaml:4: handlers[0].when.payload.paid_at: cannot exist for refund events "
            "(fields: id, type, amount, payment, description, reason, state, created_at)");
}

TEST(HandlerConfigReader, AppliesRetryDefaultsPerKind) {
  ProcessorConfig processor;
  processor.max_attempts = 7;
  processor.max_backoff = Seconds(120);
  const auto handlers = Read(
      "handlers:\n"
      "  - {name: a, on: '*', log: {}}\n"
      "  - {name: b, on: '*', sql: 'SELECT 1'}\n"
      "  - {name: c, on: '*', notify: {channel: c}}\n"
      "  - {name: d, on: '*', mirror: {}}\n"
      "  - {name: e, on: '*', http: {url: 'http://127.0.0.1:1/', secret: s}}\n"
      "  - {name: f, on: '*', exec: {argv: [/bin/true]}}\n",
      processor);
  ASSERT_TRUE(handlers.ok()) << handlers.error().detail;
  ASSERT_EQ(handlers->size(), 6u);
  const auto expect = [&](size_t i, int attempts, int64_t initial_ms, int64_t max_ms) {
    const RetryPolicy& retry = (*handlers)[i].retry;
    EXPECT_EQ(retry.max_attempts, attempts) << (*handlers)[i].name;
    EXPECT_EQ(retry.initial_backoff, Milliseconds(initial_ms)) << (*handlers)[i].name;
    EXPECT_EQ(retry.max_backoff, Milliseconds(max_ms)) << (*handlers)[i].name;
  };
  expect(0, 1, 1000, 120'000);
  expect(1, 7, 1000, 120'000);
  expect(2, 7, 1000, 120'000);
  expect(3, 7, 1000, 120'000);
  expect(4, 10, 1000, 3'600'000);
  expect(5, 5, 5000, 3'600'000);
}

TEST(HandlerConfigReader, ReadsRetryOverTheKindsDefaults) {
  const auto handlers = Read(
      "handlers:\n"
      "  - name: shop\n"
      "    on: '*'\n"
      "    retry: { max_attempts: 3, initial_backoff_ms: 250, max_backoff_ms: 604800000 }\n"
      "    http: {url: 'http://127.0.0.1:1/', secret: s}\n"
      "  - name: run\n"
      "    on: '*'\n"
      "    retry: { max_attempts: 1000 }\n"
      "    exec: {argv: [/bin/true]}\n");
  ASSERT_TRUE(handlers.ok()) << handlers.error().detail;
  EXPECT_EQ((*handlers)[0].retry.max_attempts, 3);
  EXPECT_EQ((*handlers)[0].retry.initial_backoff, Milliseconds(250));
  EXPECT_EQ((*handlers)[0].retry.max_backoff, Milliseconds(604'800'000));
  EXPECT_EQ((*handlers)[1].retry.max_attempts, 1000);
  EXPECT_EQ((*handlers)[1].retry.initial_backoff, Milliseconds(5000));
  EXPECT_EQ((*handlers)[1].retry.max_backoff, Milliseconds(3'600'000));
}

TEST(HandlerConfigReader, RejectsBadRetry) {
  const std::string head = "handlers:\n  - name: a\n    on: '*'\n    log: {}\n    retry:\n";
  EXPECT_EQ(ErrorOf(head + "      max_attempts: 0\n"),
            "config.yaml:6: handlers[0].retry.max_attempts: must be from 1 to 1000");
  EXPECT_EQ(ErrorOf(head + "      initial_backoff_ms: 86400001\n"),
            "config.yaml:6: handlers[0].retry.initial_backoff_ms: must be from 1 to 86400000");
  EXPECT_EQ(ErrorOf(head + "      max_backoff_ms: 604800001\n"),
            "config.yaml:6: handlers[0].retry.max_backoff_ms: must be from 1 to 604800000");
  EXPECT_EQ(ErrorOf(head + "      initial_backoff_ms: 500\n      max_backoff_ms: 499\n"),
            "config.yaml:7: handlers[0].retry.max_backoff_ms: must be at least "
            "initial_backoff_ms (500)");
  EXPECT_EQ(ErrorOf(head + "      initial_backoff_ms: 7200000\n"),
            "config.yaml:6: handlers[0].retry.initial_backoff_ms: must be at most max_backoff_ms "
            "(3600000, the default for log)");
  EXPECT_EQ(ErrorOf(head + "      attempts: 3\n"),
            "config.yaml:6: handlers[0].retry.attempts: unknown key");
  EXPECT_EQ(ErrorOf("handlers:\n  - {name: a, on: '*', log: {}, retry: 3}\n"),
            "config.yaml:2: handlers[0].retry: expected a map");
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
