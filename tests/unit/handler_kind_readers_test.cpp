// Tests for the settings of each handler kind, their defaults and exact errors.
#include "config/handler_kind_readers.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "config/handler_config_reader.hpp"

namespace webhookd {
namespace {

EnvLookup TestEnv() {
  return [](std::string_view name) -> std::optional<std::string> {
    if (name == "SHOP_SECRET") return "shop-SECRET-1";
    if (name == "SHOP_URL") return "http://user:shop-SECRET-2@127.0.0.1:3000/";
    return std::nullopt;
  };
}

Result<std::vector<HandlerConfig>> Read(const std::string& yaml) {
  const EnvLookup env = TestEnv();
  YamlReader reader("config.yaml", env);
  std::vector<HandlerConfig> handlers = ReadHandlers(YamlMap(reader, YAML::Load(yaml), "", 1));
  if (reader.failed()) return reader.TakeError();
  return handlers;
}

// The spec of a single handler `- name: h\n  on: <on>\n  <kind settings>`.
template <typename Spec>
Spec ReadOne(const std::string& kind_yaml, const std::string& on = "'*'") {
  const auto handlers = Read("handlers:\n- name: h\n  on: " + on + "\n  " + kind_yaml + "\n");
  EXPECT_TRUE(handlers.ok()) << (handlers.ok() ? "" : handlers.error().detail);
  if (!handlers.ok() || handlers->size() != 1) return Spec{};
  const Spec* spec = std::get_if<Spec>(&(*handlers)[0].spec);
  EXPECT_NE(spec, nullptr) << kind_yaml;
  return spec ? *spec : Spec{};
}

// The error of a single handler; its kind's settings start on line 4.
std::string ErrorOf(const std::string& kind_yaml, const std::string& on = "'*'") {
  const auto handlers = Read("handlers:\n- name: h\n  on: " + on + "\n  " + kind_yaml + "\n");
  if (handlers.ok()) return "(read without error)";
  EXPECT_EQ(handlers.error().code, ErrorCode::kConfig);
  return handlers.error().detail;
}

// A file for the test's duration, made executable or not.
class TempProgram {
 public:
  TempProgram(const std::string& name, bool executable)
      : path_(std::filesystem::temp_directory_path() /
              ("handler_kind_readers_test_" + std::to_string(::getpid()) + "_" + name)) {
    std::ofstream(path_) << "#!/bin/sh\n";
    std::filesystem::permissions(
        path_, executable ? std::filesystem::perms::owner_all : std::filesystem::perms::owner_read);
  }
  ~TempProgram() { std::filesystem::remove(path_); }
  std::string path() const { return path_.string(); }

 private:
  std::filesystem::path path_;
};

TEST(HandlerKindReaders, ListsTheSixKindsInOrder) {
  std::vector<std::string_view> keys;
  for (const HandlerKind& kind : HandlerKinds()) keys.push_back(kind.key);
  EXPECT_EQ(keys,
            (std::vector<std::string_view>{"log", "sql", "notify", "mirror", "http", "exec"}));
}

TEST(HandlerKindReaders, ReadsSqlAsStringOrStatementMap) {
  const std::string statement =
      "UPDATE orders SET paid_at = now()::timestamptz, paypro_payment = :payload.id WHERE id = "
      ":payload.metadata.order_id AND note <> ':payload.nope'";
  EXPECT_EQ(ReadOne<SqlHandlerSpec>("sql: \"" + statement + "\"", "[payment.paid]").statement,
            statement);
  EXPECT_EQ(ReadOne<SqlHandlerSpec>("sql: {statement: 'SELECT :id'}").statement, "SELECT :id");
  EXPECT_EQ(
      ReadOne<SqlHandlerSpec>("sql: |\n    SELECT :payload.email\n    FROM x", "customer.created")
          .statement,
      "SELECT :payload.email\nFROM x\n");
}

TEST(HandlerKindReaders, RejectsBadSql) {
  EXPECT_EQ(ErrorOf("sql: '  '"), "config.yaml:4: handlers[0].sql: must not be empty");
  EXPECT_EQ(ErrorOf("sql: [a]"),
            "config.yaml:4: handlers[0].sql: expected an SQL statement or { statement: ... }");
  EXPECT_EQ(ErrorOf("sql: {}"), "config.yaml:4: handlers[0].sql.statement: is required");
  EXPECT_EQ(ErrorOf("sql: {statement: x, params: y}"),
            "config.yaml:4: handlers[0].sql.params: unknown key");
  EXPECT_EQ(ErrorOf("sql: \"SELECT 'x\""),
            "config.yaml:4: handlers[0].sql: unterminated string literal");
  EXPECT_EQ(ErrorOf("sql: 'SELECT 1; SELECT 2'"),
            "config.yaml:4: handlers[0].sql: holds more than one statement");
  EXPECT_EQ(ErrorOf("sql: 'UPDATE t SET a = :payload.amout WHERE id = :id'", "payment.paid"),
            "config.yaml:4: handlers[0].sql: placeholder :payload.amout cannot exist for payment "
            "events (fields: id, type, amount, currency, description, state, refunded_amount, "
            "pay_method, metadata, paid_at, created_at)");
  EXPECT_EQ(ErrorOf("sql:\n    statement: 'SELECT :amount'"),
            "config.yaml:5: handlers[0].sql.statement: placeholder :amount cannot exist: an event "
            "has only id, type, event_type, created_at and payload");
}

TEST(HandlerKindReaders, ReadsNotifyChannel) {
  EXPECT_EQ(ReadOne<NotifyHandlerSpec>("notify: {channel: paypro_events}").channel,
            "paypro_events");
  EXPECT_EQ(ReadOne<NotifyHandlerSpec>("notify: {channel: " + std::string(63, 'a') + "}").channel,
            std::string(63, 'a'));
}

TEST(HandlerKindReaders, RejectsBadNotify) {
  const std::string bad_channel =
      "config.yaml:4: handlers[0].notify.channel: must be a PostgreSQL identifier: a-z, 0-9 and "
      "_, not starting with a digit, at most 63 characters";
  EXPECT_EQ(ErrorOf("notify: {channel: Paypro}"), bad_channel);
  EXPECT_EQ(ErrorOf("notify: {channel: 1events}"), bad_channel);
  EXPECT_EQ(ErrorOf("notify: {channel: 'a-b'}"), bad_channel);
  EXPECT_EQ(ErrorOf("notify: {channel: ''}"), bad_channel);
  EXPECT_EQ(ErrorOf("notify: {channel: " + std::string(64, 'a') + "}"), bad_channel);
  EXPECT_EQ(ErrorOf("notify: {}"), "config.yaml:4: handlers[0].notify.channel: is required");
  EXPECT_EQ(ErrorOf("notify:"), "config.yaml:4: handlers[0].notify.channel: is required");
  EXPECT_EQ(ErrorOf("notify: events"), "config.yaml:4: handlers[0].notify: expected a map");
}

TEST(HandlerKindReaders, ReadsMirrorOnlyAsEmptyMap) {
  ReadOne<MirrorHandlerSpec>("mirror: {}");
  ReadOne<MirrorHandlerSpec>("mirror:");
  EXPECT_EQ(ErrorOf("mirror: {tables: all}"),
            "config.yaml:4: handlers[0].mirror.tables: unknown key");
  EXPECT_EQ(ErrorOf("mirror: yes"), "config.yaml:4: handlers[0].mirror: expected a map");
}

TEST(HandlerKindReaders, ReadsHttpWithDefaultTimeout) {
  const auto spec = ReadOne<HttpHandlerSpec>(
      "http: { url: 'http://127.0.0.1:3000/paypro', secret: '${SHOP_SECRET}' }");
  EXPECT_EQ(spec.url.ToString(), "http://127.0.0.1:3000/paypro");
  EXPECT_EQ(spec.secret.Reveal(), "shop-SECRET-1");
  EXPECT_EQ(spec.timeout, Milliseconds(5000));
  EXPECT_EQ(ReadOne<HttpHandlerSpec>("http: {url: 'https://shop.example/hook', secret: s, "
                                     "timeout_ms: 600000}")
                .timeout,
            Milliseconds(600000));
}

TEST(HandlerKindReaders, RejectsBadHttp) {
  EXPECT_EQ(ErrorOf("http: {secret: s}"), "config.yaml:4: handlers[0].http.url: is required");
  EXPECT_EQ(ErrorOf("http: {url: 'ftp://x/', secret: s}"),
            "config.yaml:4: handlers[0].http.url: not a valid http(s) URL");
  EXPECT_EQ(ErrorOf("http: {url: 'http://x/'}"),
            "config.yaml:4: handlers[0].http.secret: is required");
  EXPECT_EQ(ErrorOf("http: {url: 'http://x/', secret: ''}"),
            "config.yaml:4: handlers[0].http.secret: must not be empty");
  EXPECT_EQ(ErrorOf("http: {url: 'http://x/', secret: {secret_file: /nonexistent/shop}}"),
            "config.yaml:4: handlers[0].http.secret.secret_file: cannot read /nonexistent/shop: "
            "No such file or directory");
  EXPECT_EQ(ErrorOf("http: {url: 'http://x/', secret: s, timeout_ms: 600001}"),
            "config.yaml:4: handlers[0].http.timeout_ms: must be from 1 to 600000");
  EXPECT_EQ(ErrorOf("http: {url: 'http://x/', secret: s, headers: {}}"),
            "config.yaml:4: handlers[0].http.headers: unknown key");
}

TEST(HandlerKindReaders, ReadsExecWithDefaults) {
  const auto spec = ReadOne<ExecHandlerSpec>(
      "exec: { argv: [/bin/true, --order, '{payload.metadata.order_id}', '--id={{{id}}'] }",
      "[payment.paid]");
  EXPECT_EQ(spec.argv, (std::vector<std::string>{"/bin/true", "--order",
                                                 "{payload.metadata.order_id}", "--id={{{id}}"}));
  EXPECT_EQ(spec.timeout, Milliseconds(30000));
  EXPECT_EQ(spec.max_concurrency, 4);
  const auto tuned = ReadOne<ExecHandlerSpec>(
      "exec: {argv: /bin/true, timeout_ms: 86400000, max_concurrency: 256}");
  EXPECT_EQ(tuned.argv, std::vector<std::string>{"/bin/true"});
  EXPECT_EQ(tuned.timeout, Milliseconds(86'400'000));
  EXPECT_EQ(tuned.max_concurrency, 256);
}

TEST(HandlerKindReaders, RequiresAbsoluteExecutableProgram) {
  const TempProgram not_executable("plain", false);
  const TempProgram executable("prog", true);
  ReadOne<ExecHandlerSpec>("exec: {argv: [" + executable.path() + "]}");
  EXPECT_EQ(ErrorOf("exec: {argv: [/usr/local/bin/fulfil-nonexistent]}"),
            "config.yaml:4: handlers[0].exec.argv[0]: /usr/local/bin/fulfil-nonexistent is not an "
            "executable file");
  EXPECT_EQ(ErrorOf("exec: {argv: [/tmp]}"),
            "config.yaml:4: handlers[0].exec.argv[0]: /tmp is not an executable file");
  // Even for root: access(X_OK) needs an x bit on a regular file.
  EXPECT_EQ(ErrorOf("exec: {argv: [" + not_executable.path() + "]}"),
            "config.yaml:4: handlers[0].exec.argv[0]: " + not_executable.path() +
                " is not an executable file");
  EXPECT_EQ(ErrorOf("exec: {argv: [true]}"),
            "config.yaml:4: handlers[0].exec.argv[0]: true is not an absolute path");
  EXPECT_EQ(ErrorOf("exec: {argv: ['/bin/{type}']}"),
            "config.yaml:4: handlers[0].exec.argv[0]: must not hold {...} placeholders");
}

TEST(HandlerKindReaders, RejectsBadExec) {
  EXPECT_EQ(ErrorOf("exec: {}"), "config.yaml:4: handlers[0].exec.argv: is required");
  EXPECT_EQ(ErrorOf("exec: {argv: []}"),
            "config.yaml:4: handlers[0].exec.argv: must list the program and its arguments");
  EXPECT_EQ(ErrorOf("exec:\n    argv:\n      - /bin/true\n      - '{payload.id'"),
            "config.yaml:7: handlers[0].exec.argv[1]: unterminated { (write {{ for a literal {)");
  EXPECT_EQ(ErrorOf("exec: {argv: [/bin/true, '{payload.amout}']}", "payout.*"),
            "config.yaml:4: handlers[0].exec.argv[1]: placeholder {payload.amout} cannot exist "
            "for payout events (fields: id, type, amount, currency, state, created_at)");
  EXPECT_EQ(ErrorOf("exec: {argv: [/bin/true], timeout_ms: 0}"),
            "config.yaml:4: handlers[0].exec.timeout_ms: must be from 1 to 86400000");
  EXPECT_EQ(ErrorOf("exec: {argv: [/bin/true], max_concurrency: 257}"),
            "config.yaml:4: handlers[0].exec.max_concurrency: must be from 1 to 256");
  EXPECT_EQ(ErrorOf("exec: {argv: [/bin/true], shell: true}"),
            "config.yaml:4: handlers[0].exec.shell: unknown key");
}

TEST(HandlerKindReaders, NeverPutsSecretValuesInErrors) {
  for (const std::string& kind_yaml : {
           std::string("http: {url: '${SHOP_URL}', secret: s}"),
           std::string("http: {url: 'http://x/', secret: ['${SHOP_SECRET}']}"),
           std::string("http: {url: 'http://x/', secret: '${SHOP_SECRET}', timeout_ms: 0}"),
           std::string("sql: \"SELECT '${SHOP_SECRET}\""),
           std::string("sql: \"SELECT '${SHOP_SECRET}'; x\""),
           std::string("exec: {argv: [/bin/true, '{${SHOP_SECRET}}']}"),
           std::string("exec: {argv: [/bin/true, '--k=${SHOP_SECRET}{']}"),
           std::string("notify: {channel: '${SHOP_SECRET}'}"),
       }) {
    const std::string detail = ErrorOf(kind_yaml);
    EXPECT_NE(detail, "(read without error)") << kind_yaml;
    EXPECT_EQ(detail.find("SECRET"), std::string::npos) << detail;
  }
}

}  // namespace
}  // namespace webhookd
