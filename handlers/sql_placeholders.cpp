// A single pass over SQL text that knows just enough of its lexical rules to find `:path`.
#include "handlers/sql_placeholders.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <optional>
#include <string>

namespace webhookd {

namespace {

constexpr size_t kNone = std::string_view::npos;

bool IsLower(char c) { return c >= 'a' && c <= 'z'; }
bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsPathChar(char c) { return IsLower(c) || IsDigit(c) || c == '_'; }
bool IsWordChar(char c) {
  return IsPathChar(c) || (c >= 'A' && c <= 'Z') || c == '$' ||
         static_cast<unsigned char>(c) >= 0x80;
}
bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f'; }

Error SqlError(std::string detail) {
  return MakeError(ErrorCode::kConfig, "invalid SQL", std::move(detail));
}

// The end of a '...' or "..." run opening at `at`, or kNone. A doubled quote
// stands for itself; in E'...' a backslash escapes the next character.
size_t QuotedEnd(std::string_view sql, size_t at, bool backslash_escapes) {
  const char quote = sql[at];
  for (size_t i = at + 1; i < sql.size(); ++i) {
    if (backslash_escapes && sql[i] == '\\') {
      ++i;
    } else if (sql[i] == quote) {
      if (i + 1 < sql.size() && sql[i + 1] == quote) {
        ++i;
      } else {
        return i + 1;
      }
    }
  }
  return kNone;
}

// The end of a /* ... */ comment opening at `at`, or kNone; they nest in PostgreSQL.
size_t BlockCommentEnd(std::string_view sql, size_t at) {
  int depth = 0;
  for (size_t i = at; i + 1 < sql.size(); ++i) {
    if (sql[i] == '/' && sql[i + 1] == '*') {
      ++depth;
      ++i;
    } else if (sql[i] == '*' && sql[i + 1] == '/') {
      ++i;
      if (--depth == 0) return i + 1;
    }
  }
  return kNone;
}

// The `$tag$` opening a dollar-quoted string at `at`, or "" when there is none.
std::string_view DollarTag(std::string_view sql, size_t at) {
  size_t i = at + 1;
  if (i < sql.size() && IsDigit(sql[i])) return {};
  while (i < sql.size() && IsWordChar(sql[i]) && sql[i] != '$') ++i;
  return i < sql.size() && sql[i] == '$' ? sql.substr(at, i + 1 - at) : std::string_view();
}

// The length of the field path starting at `at`: names joined by single dots,
// never ending on a dot.
size_t PathLength(std::string_view sql, size_t at) {
  size_t end = at;
  while (end < sql.size() && IsPathChar(sql[end])) {
    ++end;
    if (end + 1 < sql.size() && sql[end] == '.' && IsPathChar(sql[end + 1])) ++end;
  }
  return end - at;
}

class Extractor {
 public:
  explicit Extractor(std::string_view sql) : sql_(sql) {}

  Result<SqlPlaceholders> Run() {
    while (at_ < sql_.size()) {
      if (auto error = Step()) return SqlError(std::move(*error));
    }
    return std::move(result_);
  }

 private:
  // Consumes one token or character; a message on error.
  std::optional<std::string> Step() {
    const char c = sql_[at_];
    const char next = at_ + 1 < sql_.size() ? sql_[at_ + 1] : '\0';
    const bool word_before = at_ > 0 && IsWordChar(sql_[at_ - 1]);
    if (c == '-' && next == '-') return Copy(std::min(sql_.find('\n', at_), sql_.size()), "");
    if (c == '/' && next == '*') return Copy(BlockCommentEnd(sql_, at_), "unterminated /* comment");
    if (IsSpace(c)) return Copy(at_ + 1, "");
    if (ended_) return "holds more than one statement";
    if (c == '\'' || c == '"') {
      const bool escapes = c == '\'' && at_ > 0 && (sql_[at_ - 1] == 'E' || sql_[at_ - 1] == 'e') &&
                           !(at_ > 1 && IsWordChar(sql_[at_ - 2]));
      return Copy(QuotedEnd(sql_, at_, escapes),
                  c == '"' ? "unterminated quoted identifier" : "unterminated string literal");
    }
    if (c == '$' && !word_before) return Dollar();
    if (c == ':' && next == ':') return Copy(at_ + 2, "");
    if (c == ':' && IsLower(next)) return Placeholder();
    ended_ = c == ';';
    return Copy(at_ + 1, "");
  }

  // Copies up to `end`; `unterminated` when the run never ended.
  std::optional<std::string> Copy(size_t end, std::string_view unterminated) {
    if (end == kNone) return std::string(unterminated);
    result_.statement.append(sql_.substr(at_, end - at_));
    at_ = end;
    return std::nullopt;
  }

  std::optional<std::string> Dollar() {
    if (at_ + 1 < sql_.size() && IsDigit(sql_[at_ + 1])) {
      return "write :path placeholders, not positional parameters like $1";
    }
    const std::string_view tag = DollarTag(sql_, at_);
    if (tag.empty()) return Copy(at_ + 1, "");
    const size_t close = sql_.find(tag, at_ + tag.size());
    return Copy(close == kNone ? kNone : close + tag.size(), "unterminated $$ string");
  }

  std::optional<std::string> Placeholder() {
    const std::string_view path = sql_.substr(at_ + 1, PathLength(sql_, at_ + 1));
    auto& paths = result_.paths;
    auto found = std::find(paths.begin(), paths.end(), path);
    if (found == paths.end()) found = paths.insert(paths.end(), std::string(path));
    result_.statement += fmt::format("${}", found - paths.begin() + 1);
    at_ += 1 + path.size();
    return std::nullopt;
  }

  std::string_view sql_;
  size_t at_ = 0;
  bool ended_ = false;  ///< a `;` was met: only blanks and comments may follow
  SqlPlaceholders result_;
};

}  // namespace

Result<SqlPlaceholders> ExtractSqlPlaceholders(std::string_view sql) {
  return Extractor(sql).Run();
}

}  // namespace webhookd
