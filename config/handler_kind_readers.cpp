// Settings of each handler kind, checked at load so a bad handler fails the load, not an event.
#include "config/handler_kind_readers.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <filesystem>

#include "config/field_path_check.hpp"
#include "config/secret_reader.hpp"
#include "handlers/argv_template.hpp"
#include "handlers/sql_placeholders.hpp"

namespace webhookd {

namespace {

using Patterns = std::span<const std::string>;

constexpr int64_t kDayMs = 86'400'000;
constexpr size_t kMaxIdentifier = 63;  // PostgreSQL's NAMEDATALEN - 1

HandlerSpec ReadLog(const YamlMap& handler, Patterns) {
  if (const auto settings = handler.Map("log")) settings->AllowOnly({});
  return LogHandlerSpec{};
}

// `sql: "..."`, or `sql: { statement: "..." }`.
std::optional<YamlScalar> ReadStatement(const YamlMap& handler) {
  const YamlValue value = *handler.Value("sql");
  if (!value.node.IsMap()) return handler.Scalar("sql", "an SQL statement or { statement: ... }");
  const YamlMap settings(handler.reader(), value.node, value.path, value.line);
  settings.AllowOnly({"statement"});
  if (!settings.Require("statement")) return std::nullopt;
  return settings.Scalar("statement");
}

HandlerSpec ReadSql(const YamlMap& handler, Patterns patterns) {
  SqlHandlerSpec spec;
  auto statement = ReadStatement(handler);
  if (!statement) return spec;
  YamlReader& reader = handler.reader();
  if (statement->value.find_first_not_of(" \t\r\n") == std::string::npos) {
    reader.Fail(*statement, "must not be empty");
    return spec;
  }
  const auto extracted = ExtractSqlPlaceholders(statement->value);
  if (!extracted) {
    reader.Fail(*statement, extracted.error().detail);
    return spec;
  }
  for (const std::string& path : extracted->paths) {
    if (auto problem = WhyFieldCannotExist(path, patterns)) {
      reader.Fail(*statement, fmt::format("placeholder :{} {}", path, *problem));
    }
  }
  spec.statement = std::move(statement->value);
  return spec;
}

bool IsPostgresIdentifier(std::string_view name) {
  const auto lower_or_underscore = [](char c) { return (c >= 'a' && c <= 'z') || c == '_'; };
  return !name.empty() && name.size() <= kMaxIdentifier && lower_or_underscore(name[0]) &&
         std::all_of(name.begin(), name.end(),
                     [&](char c) { return lower_or_underscore(c) || (c >= '0' && c <= '9'); });
}

HandlerSpec ReadNotify(const YamlMap& handler, Patterns) {
  NotifyHandlerSpec spec;
  const auto settings = handler.Map("notify");
  if (!settings) return spec;
  settings->AllowOnly({"channel"});
  if (!settings->Require("channel")) return spec;
  if (auto channel = settings->Scalar("channel")) {
    if (!IsPostgresIdentifier(channel->value)) {
      settings->reader().Fail(*channel,
                              "must be a PostgreSQL identifier: a-z, 0-9 and _, not starting "
                              "with a digit, at most 63 characters");
    }
    spec.channel = std::move(channel->value);
  }
  return spec;
}

HandlerSpec ReadMirror(const YamlMap& handler, Patterns) {
  if (const auto settings = handler.Map("mirror")) settings->AllowOnly({});
  return MirrorHandlerSpec{};
}

HandlerSpec ReadHttp(const YamlMap& handler, Patterns) {
  HttpHandlerSpec spec;
  const auto settings = handler.Map("http");
  if (!settings) return spec;
  settings->AllowOnly({"url", "secret", "timeout_ms"});
  if (settings->Require("url")) {
    if (auto text = settings->Scalar("url")) {
      // ParseUrl's detail is not passed on: this URL may carry a token.
      auto url = ParseUrl(text->value);
      if (url)
        spec.url = std::move(*url);
      else
        settings->reader().Fail(*text, "not a valid http(s) URL");
    }
  }
  if (settings->Require("secret")) ReadSecret(*settings, "secret", spec.secret);
  settings->Read("timeout_ms", 1, 600'000, spec.timeout);
  return spec;
}

// argv[0] is run without a shell, so it must name the program itself; the
// event must not choose the program.
void CheckProgram(YamlReader& reader, const YamlScalar& program) {
  const auto parts = ParseArgvTemplate(program.value);
  if (!parts) return reader.Fail(program, parts.error().detail);
  std::string path;
  for (const ArgvPart& part : *parts) {
    if (part.is_path) return reader.Fail(program, "must not hold {...} placeholders");
    path += part.text;
  }
  std::error_code ignored;
  if (!std::filesystem::path(path).is_absolute()) {
    reader.Fail(program, fmt::format("{} is not an absolute path", path));
  } else if (!std::filesystem::is_regular_file(path, ignored) ||
             ::access(path.c_str(), X_OK) != 0) {
    reader.Fail(program, fmt::format("{} is not an executable file", path));
  }
}

void CheckArgument(YamlReader& reader, const YamlScalar& argument, Patterns patterns) {
  const auto parts = ParseArgvTemplate(argument.value);
  if (!parts) return reader.Fail(argument, parts.error().detail);
  for (const ArgvPart& part : *parts) {
    if (!part.is_path) continue;
    if (auto problem = WhyFieldCannotExist(part.text, patterns)) {
      reader.Fail(argument, fmt::format("placeholder {{{}}} {}", part.text, *problem));
    }
  }
}

std::vector<std::string> ReadArgv(const YamlMap& settings, Patterns patterns) {
  std::vector<std::string> argv;
  auto values = settings.Strings("argv");
  if (!values) return argv;
  if (values->empty()) settings.Fail("argv", "must list the program and its arguments");
  for (size_t i = 0; i < values->size(); ++i) {
    const YamlScalar& value = (*values)[i];
    if (i == 0)
      CheckProgram(settings.reader(), value);
    else
      CheckArgument(settings.reader(), value, patterns);
    argv.push_back(value.value);
  }
  return argv;
}

HandlerSpec ReadExec(const YamlMap& handler, Patterns patterns) {
  ExecHandlerSpec spec;
  const auto settings = handler.Map("exec");
  if (!settings) return spec;
  settings->AllowOnly({"argv", "timeout_ms", "max_concurrency"});
  if (settings->Require("argv")) spec.argv = ReadArgv(*settings, patterns);
  settings->Read("timeout_ms", 1, kDayMs, spec.timeout);
  settings->Read("max_concurrency", 1, 256, spec.max_concurrency);
  return spec;
}

Milliseconds ProcessorBackoff(const ProcessorConfig& processor) {
  return std::chrono::duration_cast<Milliseconds>(processor.max_backoff);
}

// Handlers inside the processing transaction retry with the whole event, so
// they follow the processor's policy; outside ones have their own, longer one.
RetryPolicy EventRetry(const ProcessorConfig& processor) {
  return {processor.max_attempts, Milliseconds(1000), ProcessorBackoff(processor)};
}

RetryPolicy NeverRetry(const ProcessorConfig& processor) {
  return {1, Milliseconds(1000), ProcessorBackoff(processor)};
}

RetryPolicy HttpRetry(const ProcessorConfig&) {
  return {10, Milliseconds(1000), Milliseconds(3'600'000)};
}

RetryPolicy ExecRetry(const ProcessorConfig&) {
  return {5, Milliseconds(5000), Milliseconds(3'600'000)};
}

constexpr std::array<HandlerKind, 6> kKinds = {{
    {"log", ReadLog, NeverRetry},
    {"sql", ReadSql, EventRetry},
    {"notify", ReadNotify, EventRetry},
    {"mirror", ReadMirror, EventRetry},
    {"http", ReadHttp, HttpRetry},
    {"exec", ReadExec, ExecRetry},
}};

}  // namespace

std::span<const HandlerKind> HandlerKinds() { return kKinds; }

}  // namespace webhookd
