// Tests for secrets given inline or as `{ secret_file: NAME }`, and that errors never hold them.
#include "config/secret_reader.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <vector>

namespace webhookd {
namespace {

namespace fs = std::filesystem;

// A folder of files for one test, removed afterwards.
class TempDir {
 public:
  TempDir()
      : path_(fs::temp_directory_path() /
              ("secret_reader_test_" + std::to_string(::getpid()) + "_" +
               ::testing::UnitTest::GetInstance()->current_test_info()->name())) {
    fs::create_directories(path_);
  }
  ~TempDir() { fs::remove_all(path_); }
  std::string Write(const std::string& name, const std::string& text) const {
    std::ofstream(path_ / name, std::ios::binary) << text;
    return (path_ / name).string();
  }
  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

EnvLookup FakeEnv(std::map<std::string, std::string> vars) {
  return [vars = std::move(vars)](std::string_view name) -> std::optional<std::string> {
    const auto found = vars.find(std::string(name));
    if (found == vars.end()) return std::nullopt;
    return found->second;
  };
}

// Reads `key` of `yaml` as a secret, for a config file at `config_file`.
Result<Secret> ReadKey(const std::string& yaml, const std::string& config_file,
                       const EnvLookup& env = FakeEnv({})) {
  YamlReader reader(config_file, env);
  Secret secret;
  ReadSecret(YamlMap(reader, YAML::Load(yaml), "", 1), "key", secret);
  if (reader.failed()) return reader.TakeError();
  return secret;
}

std::string ErrorOf(const std::string& yaml, const std::string& config_file = "config.yaml",
                    const EnvLookup& env = FakeEnv({})) {
  const auto secret = ReadKey(yaml, config_file, env);
  if (secret.ok()) return "(read without error)";
  EXPECT_EQ(secret.error().code, ErrorCode::kConfig);
  return secret.error().detail;
}

TEST(SecretReader, PlainNamesAreCredentialsWhenSystemdGivesADirectory) {
  const auto systemd = FakeEnv({{"CREDENTIALS_DIRECTORY", "/run/credentials/webhookd.service"}});
  EXPECT_EQ(SecretFilePath("api_key", systemd, "/etc/webhookd"),
            "/run/credentials/webhookd.service/api_key");
  EXPECT_EQ(SecretFilePath("keys/api_key", systemd, "/etc/webhookd"), "/etc/webhookd/keys/api_key");
  EXPECT_EQ(SecretFilePath("/srv/api_key", systemd, "/etc/webhookd"), "/srv/api_key");
  const auto plain = FakeEnv({{"CREDENTIALS_DIRECTORY", ""}});
  EXPECT_EQ(SecretFilePath("api_key", plain, "/etc/webhookd"), "/etc/webhookd/api_key");
  EXPECT_EQ(SecretFilePath("api_key", FakeEnv({}), ""), "api_key");
}

TEST(SecretReader, ReadsFileWithoutTrailingNewlines) {
  const TempDir dir;
  EXPECT_EQ(ReadSecretFile(dir.Write("a", "s3cret\n"))->Reveal(), "s3cret");
  EXPECT_EQ(ReadSecretFile(dir.Write("b", "s3cret\r\n\n"))->Reveal(), "s3cret");
  EXPECT_EQ(ReadSecretFile(dir.Write("c", " two\nlines "))->Reveal(), " two\nlines ");
}

TEST(SecretReader, NamesPathOfUnreadableEmptyOrHugeFile) {
  const TempDir dir;
  const std::string missing = (dir.path() / "missing").string();
  EXPECT_EQ(ReadSecretFile(missing).error().detail,
            "cannot read " + missing + ": No such file or directory");
  EXPECT_EQ(ReadSecretFile(dir.path()).error().detail,
            "cannot read " + dir.path().string() + ": Is a directory");
  const std::string empty = dir.Write("empty", "\n");
  EXPECT_EQ(ReadSecretFile(empty).error().detail, empty + " is empty");
  const std::string huge = dir.Write("huge", std::string(70000, 'S'));
  EXPECT_EQ(ReadSecretFile(huge).error().detail, huge + " is larger than 65536 bytes");
  EXPECT_EQ(ReadSecretFile(huge).error().code, ErrorCode::kConfig);
}

TEST(SecretReader, ReadsInlineSecretAndExpandsVariables) {
  EXPECT_EQ(ReadKey("key: inline-value\n", "config.yaml")->Reveal(), "inline-value");
  EXPECT_EQ(ReadKey("key: ${TOKEN}\n", "config.yaml", FakeEnv({{"TOKEN", "t0k"}}))->Reveal(),
            "t0k");
  EXPECT_TRUE(ReadKey("other: 1\n", "config.yaml")->empty());
}

TEST(SecretReader, ReadsSecretFileFromCredentialsDirectory) {
  const TempDir dir;
  dir.Write("api_key", "from-credentials\n");
  const auto env = FakeEnv({{"CREDENTIALS_DIRECTORY", dir.path().string()}});
  const auto secret = ReadKey("key: {secret_file: api_key}\n", "/etc/webhookd/config.yaml", env);
  ASSERT_TRUE(secret.ok()) << secret.error().detail;
  EXPECT_EQ(secret->Reveal(), "from-credentials");
}

TEST(SecretReader, ReadsSecretFileRelativeToConfigFile) {
  const TempDir dir;
  fs::create_directories(dir.path() / "keys");
  dir.Write("keys/api_key", "from-relative-path\n");
  const std::string config_file = (dir.path() / "config.yaml").string();
  const auto secret = ReadKey("key:\n  secret_file: keys/api_key\n", config_file);
  ASSERT_TRUE(secret.ok()) << secret.error().detail;
  EXPECT_EQ(secret->Reveal(), "from-relative-path");
}

TEST(SecretReader, ReportsFileErrorsAtSecretFileKey) {
  const TempDir dir;
  const std::string config_file = (dir.path() / "config.yaml").string();
  EXPECT_EQ(ErrorOf("key:\n  secret_file: nope\n", config_file),
            config_file + ":2: key.secret_file: cannot read " + (dir.path() / "nope").string() +
                ": No such file or directory");
  const std::string empty = dir.Write("empty", "");
  EXPECT_EQ(ErrorOf("key: {secret_file: " + empty + "}\n"),
            "config.yaml:1: key.secret_file: " + empty + " is empty");
  EXPECT_EQ(ErrorOf("key: {secret_file: ''}\n"),
            "config.yaml:1: key.secret_file: must not be empty");
  EXPECT_EQ(ErrorOf("key: {}\n"), "config.yaml:1: key: expected a string or { secret_file: NAME }");
  EXPECT_EQ(ErrorOf("key: {secret_file: a, file: b}\n"),
            "config.yaml:1: key: expected a string or { secret_file: NAME }");
  EXPECT_EQ(ErrorOf("key: {secretfile: a}\n"),
            "config.yaml:1: key: expected a string or { secret_file: NAME }");
}

TEST(SecretReader, RejectsEmptyAndMisshapenSecrets) {
  EXPECT_EQ(ErrorOf("key: ''\n"), "config.yaml:1: key: must not be empty");
  EXPECT_EQ(ErrorOf("key: ${EMPTY}\n", "config.yaml", FakeEnv({{"EMPTY", ""}})),
            "config.yaml:1: key: must not be empty");
  EXPECT_EQ(ErrorOf("key:\n"), "config.yaml:1: key: expected a string or { secret_file: NAME }");
  EXPECT_EQ(ErrorOf("key: [a]\n"),
            "config.yaml:1: key: expected a string or { secret_file: NAME }");
}

TEST(SecretReader, ReadsListsMixingInlineAndFileSecrets) {
  const TempDir dir;
  const std::string file = dir.Write("old", "old-secret\n");
  const EnvLookup env = FakeEnv({});
  YamlReader reader("config.yaml", env);
  const auto secrets = ReadSecrets(
      YamlMap(reader, YAML::Load("list:\n  - new-secret\n  - secret_file: " + file + "\n"), "", 1),
      "list");
  ASSERT_FALSE(reader.failed()) << reader.TakeError().detail;
  ASSERT_TRUE(secrets.has_value());
  ASSERT_EQ(secrets->size(), 2u);
  EXPECT_EQ((*secrets)[0].Reveal(), "new-secret");
  EXPECT_EQ((*secrets)[1].Reveal(), "old-secret");

  const auto one = ReadSecrets(
      YamlMap(reader, YAML::Load("list: {secret_file: " + file + "}\n"), "", 1), "list");
  ASSERT_TRUE(one.has_value());
  ASSERT_EQ(one->size(), 1u);
  EXPECT_EQ((*one)[0].Reveal(), "old-secret");
  EXPECT_FALSE(ReadSecrets(YamlMap(reader, YAML::Load("other: 1\n"), "", 1), "list").has_value());
}

TEST(SecretReader, NamesTheListEntryThatFails) {
  const EnvLookup env = FakeEnv({});
  YamlReader reader("config.yaml", env);
  const auto secrets = ReadSecrets(
      YamlMap(reader, YAML::Load("list:\n  - a\n  - {secret_file: /nonexistent/s}\n"), "", 1),
      "list");
  EXPECT_FALSE(secrets.has_value());
  ASSERT_TRUE(reader.failed());
  EXPECT_EQ(reader.TakeError().detail,
            "config.yaml:3: list[1].secret_file: cannot read /nonexistent/s: No such file or "
            "directory");
}

TEST(SecretReader, NeverPutsSecretValuesInErrors) {
  const TempDir dir;
  const std::string huge = dir.Write("huge", std::string(70000, 'S') + "SECRET");
  dir.Write("blank", "\r\n");
  const auto env = FakeEnv({{"CREDENTIALS_DIRECTORY", dir.path().string()}});
  for (const std::string& yaml :
       {"key: {secret_file: " + huge + "}\n", std::string("key: {secret_file: blank}\n"),
        std::string("key: {SECRET-KEY: 1}\n"), std::string("key: {secret_file: a, SECRET: 1}\n"),
        std::string("key: [SECRET-INLINE]\n"), std::string("key: {secret_file: [SECRET]}\n")}) {
    const std::string detail = ErrorOf(yaml, "config.yaml", env);
    EXPECT_NE(detail, "(read without error)") << yaml;
    EXPECT_EQ(detail.find("SECRET"), std::string::npos) << detail;
  }
}

}  // namespace
}  // namespace webhookd
