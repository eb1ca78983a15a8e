// Tests for parsing the control API's JSON bodies.
#include <gtest/gtest.h>

#include "sandbox/control_requests.hpp"

namespace webhookd::sandbox {
namespace {

TEST(SandboxControlRequests, CreateDefaultsToOneMixedEvent) {
  auto request = ParseCreateRequest("");
  ASSERT_TRUE(request.ok());
  EXPECT_EQ(request->count, 1u);
  EXPECT_EQ(request->mix.kind, MixKind::kMixed);
}

TEST(SandboxControlRequests, CreateReadsCountAndType) {
  auto request = ParseCreateRequest(R"({"count":250,"type":"payment.paid"})");
  ASSERT_TRUE(request.ok());
  EXPECT_EQ(request->count, 250u);
  EXPECT_EQ(request->mix.kind, MixKind::kSingle);
  EXPECT_EQ(request->mix.type, "payment.paid");
}

TEST(SandboxControlRequests, CreateRejectsBadInput) {
  for (std::string_view body : {R"({"count":-1})", R"({"count":"5"})", R"({"type":"nope"})",
                                R"({"cuont":5})", "[1]", "{", R"({"count":1.5})"}) {
    auto request = ParseCreateRequest(body);
    EXPECT_FALSE(request.ok()) << body;
    if (!request.ok()) {
      EXPECT_EQ(request.error().code, ErrorCode::kBadRequest);
    }
  }
}

TEST(SandboxControlRequests, TriggerNeedsToAndReadsEverything) {
  EXPECT_FALSE(ParseTriggerRequest(R"({"count":3})").ok());
  auto request = ParseTriggerRequest(
      R"({"count":3,"type":"lifecycle","to":"http://127.0.0.1:8080/webhooks/paypro",)"
      R"("concurrency":2,"secret":"s2"})");
  ASSERT_TRUE(request.ok());
  EXPECT_EQ(request->count, 3u);
  EXPECT_EQ(request->mix.kind, MixKind::kLifecycle);
  EXPECT_EQ(request->to.port, "8080");
  EXPECT_EQ(request->to.base_path, "/webhooks/paypro");
  EXPECT_EQ(request->concurrency, 2u);
  ASSERT_TRUE(request->secret.has_value());
  EXPECT_EQ(request->secret->Reveal(), "s2");
  EXPECT_FALSE(ParseTriggerRequest(R"({"to":"ftp://x"})").ok());
  EXPECT_FALSE(ParseTriggerRequest(R"({"to":"http://x","concurrency":0})").ok());
}

TEST(SandboxControlRequests, FaultChangesKeepUnnamedSettings) {
  Faults current;
  current.latency_ms = 5;
  auto changed = ApplyFaultChanges(current, R"({"error_rate":0.3,"down":true,"retry_after_s":2})");
  ASSERT_TRUE(changed.ok());
  EXPECT_EQ(changed->latency_ms, 5);
  EXPECT_DOUBLE_EQ(changed->error_rate, 0.3);
  EXPECT_TRUE(changed->down);
  EXPECT_EQ(changed->retry_after_s, 2);
  auto integer_rate = ApplyFaultChanges(current, R"({"error_rate":1})");
  ASSERT_TRUE(integer_rate.ok());
  EXPECT_DOUBLE_EQ(integer_rate->error_rate, 1.0);
}

TEST(SandboxControlRequests, ExportReadsCountTypeAndSecret) {
  auto defaults = ParseExportRequest("");
  ASSERT_TRUE(defaults.ok());
  EXPECT_EQ(defaults->count, 1u);
  EXPECT_FALSE(defaults->secret.has_value());
  auto request = ParseExportRequest(R"({"count":5000,"type":"lifecycle","secret":"s3"})");
  ASSERT_TRUE(request.ok());
  EXPECT_EQ(request->count, 5000u);
  EXPECT_EQ(request->mix.kind, MixKind::kLifecycle);
  ASSERT_TRUE(request->secret.has_value());
  EXPECT_EQ(request->secret->Reveal(), "s3");
  EXPECT_FALSE(ParseExportRequest(R"({"secret":""})").ok());
  EXPECT_FALSE(ParseExportRequest(R"({"to":"http://x"})").ok());
}

TEST(SandboxControlRequests, FaultChangesRejectUnknownOrOutOfRange) {
  EXPECT_FALSE(ApplyFaultChanges({}, R"({"error_rate":1.5})").ok());
  EXPECT_FALSE(ApplyFaultChanges({}, R"({"eror_rate":0.1})").ok());
  EXPECT_FALSE(ApplyFaultChanges({}, R"({"down":1})").ok());
  EXPECT_FALSE(ApplyFaultChanges({}, R"({"latency_ms":-3})").ok());
  auto error = ApplyFaultChanges({}, R"({"drop_rate":2})");
  ASSERT_FALSE(error.ok());
  EXPECT_EQ(error.error().code, ErrorCode::kBadRequest);
}

TEST(SandboxControlRequests, FaultsJsonShowsEverySetting) {
  Faults faults;
  faults.error_rate = 0.25;
  faults.down = true;
  const std::string json = FaultsJson(faults);
  EXPECT_NE(json.find("\"error_rate\":0.25"), std::string::npos) << json;
  EXPECT_NE(json.find("\"down\":true"), std::string::npos) << json;
  EXPECT_NE(json.find("\"max_delivery_attempts\":8"), std::string::npos) << json;
  auto round_trip = ApplyFaultChanges({}, json);
  ASSERT_TRUE(round_trip.ok()) << json;
  EXPECT_DOUBLE_EQ(round_trip->error_rate, 0.25);
}

}  // namespace
}  // namespace webhookd::sandbox
