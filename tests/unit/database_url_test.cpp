// What the daemon adds to the operator's connection string, and what it hides.
#include "storage/database.hpp"

#include <gtest/gtest.h>

namespace webhookd::testing {
namespace {

TEST(WithSessionDefaults, AddsTimeoutAndNameToAKeyValueString) {
  EXPECT_EQ(WithSessionDefaults("host=db dbname=shop", "handler runner", 5),
            "host=db dbname=shop connect_timeout=5 fallback_application_name=paypro-webhookd-handler-runner");
}

TEST(WithSessionDefaults, AddsTimeoutAndNameAsTheQueryOfAUri) {
  EXPECT_EQ(WithSessionDefaults("postgresql://db/shop", "inbox", 3),
            "postgresql://db/shop?connect_timeout=3&fallback_application_name=paypro-webhookd-inbox");
  EXPECT_EQ(WithSessionDefaults("postgres://db/shop?sslmode=require", "verifier", 5),
            "postgres://db/shop?sslmode=require&connect_timeout=5&fallback_application_name=paypro-webhookd-verifier");
}

TEST(WithSessionDefaults, KeepsWhatTheOperatorSet) {
  EXPECT_EQ(WithSessionDefaults("dbname=shop connect_timeout=9 application_name=orders", "inbox", 5),
            "dbname=shop connect_timeout=9 application_name=orders");
  EXPECT_EQ(WithSessionDefaults("postgresql:///shop?fallback_application_name=mine", "inbox", 5),
            "postgresql:///shop?fallback_application_name=mine&connect_timeout=5");
}

TEST(RedactPassword, HidesThePasswordInEitherFormAndWhereverItIsEchoed) {
  const Secret url("postgresql://webhookd:s3cret@db/shop");
  EXPECT_EQ(RedactPassword("could not connect to postgresql://webhookd:s3cret@db/shop", url),
            "could not connect to postgresql://webhookd:<redacted>@db/shop");
  EXPECT_EQ(RedactPassword("bad option: password=s3cret host=db", Secret("host=db password=s3cret")),
            "bad option: password=<redacted> host=db");
  EXPECT_EQ(RedactPassword("server said: s3cret is wrong", url), "server said: <redacted> is wrong");
}

}  // namespace
}  // namespace webhookd::testing
