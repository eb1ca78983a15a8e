// Tests for the ErrorCode -> HTTP status mapping and the error body clients see.
#include "core/http_status.hpp"

#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

namespace webhookd {
namespace {

const std::vector<std::pair<ErrorCode, unsigned>>& AllCodes() {
  static const std::vector<std::pair<ErrorCode, unsigned>> kCodes = {
      {ErrorCode::kBadRequest, 400},      {ErrorCode::kUnauthorized, 401},   {ErrorCode::kForbidden, 403},
      {ErrorCode::kNotFound, 404},        {ErrorCode::kMethodNotAllowed, 405},
      {ErrorCode::kPayloadTooLarge, 413}, {ErrorCode::kHeadersTooLarge, 431}, {ErrorCode::kUnavailable, 503},
      {ErrorCode::kRateLimited, 429},     {ErrorCode::kUpstream, 502},       {ErrorCode::kTimeout, 504},
      {ErrorCode::kConfig, 500},          {ErrorCode::kInternal, 500},
  };
  return kCodes;
}

TEST(HttpStatusFor, MapsEveryErrorCode) {
  // Keep in step with result.hpp: kInternal is the last enumerator.
  ASSERT_EQ(AllCodes().size(), static_cast<size_t>(ErrorCode::kInternal) + 1);
  for (const auto& [code, status] : AllCodes()) {
    EXPECT_EQ(HttpStatusFor(code), status) << "ErrorCode " << static_cast<int>(code);
  }
}

TEST(ErrorResponse, BodyShowsOnlyTheReason) {
  const ServerResponse response =
      ErrorResponse(MakeError(ErrorCode::kUnauthorized, "invalid signature", "secret whsec_live_123 did not match"));
  EXPECT_EQ(response.status, 401u);
  EXPECT_EQ(response.body, R"({"error":"invalid signature"})");
  EXPECT_EQ(response.body.find("whsec_live_123"), std::string::npos);
  EXPECT_EQ(response.body.find("did not match"), std::string::npos);
  EXPECT_EQ(response.content_type, "application/json");
  EXPECT_FALSE(response.close);
}

TEST(ErrorResponse, EscapesTheReason) {
  const ServerResponse response = ErrorResponse(MakeError(ErrorCode::kBadRequest, "bad \"id\"\n"));
  EXPECT_EQ(response.body, R"({"error":"bad \"id\"\n"})");
}

TEST(ErrorResponse, StatusMatchesHttpStatusForEveryCode) {
  for (const auto& [code, status] : AllCodes()) {
    const ServerResponse response = ErrorResponse(MakeError(code, "r", "internal detail"));
    EXPECT_EQ(response.status, status);
    EXPECT_EQ(response.body, R"({"error":"r"})");
    EXPECT_EQ(response.body.find("internal detail"), std::string::npos);
  }
}

TEST(ErrorResponse, AddsRetryAfterOn503And429Only) {
  for (const auto& [code, status] : AllCodes()) {
    const ServerResponse response = ErrorResponse(MakeError(code, "r"));
    if (status == 503 || status == 429) {
      EXPECT_EQ(response.headers.Count("Retry-After"), 1u) << status;
      EXPECT_EQ(response.headers.Get("Retry-After"), std::to_string(kRetryAfterSeconds)) << status;
    } else {
      EXPECT_EQ(response.headers.Count("Retry-After"), 0u) << status;
    }
  }
  EXPECT_EQ(kRetryAfterSeconds, 5);
}

TEST(ErrorResponse, AddsAllowPostOn405Only) {
  for (const auto& [code, status] : AllCodes()) {
    const ServerResponse response = ErrorResponse(MakeError(code, "r"));
    if (status == 405) {
      EXPECT_EQ(response.headers.Count("Allow"), 1u);
      EXPECT_EQ(response.headers.Get("Allow"), "POST");
    } else {
      EXPECT_EQ(response.headers.Count("Allow"), 0u) << status;
    }
  }
}

TEST(OkResponse, WritesStatusJson) {
  const ServerResponse response = OkResponse("stored");
  EXPECT_EQ(response.status, 200u);
  EXPECT_EQ(response.body, R"({"status":"stored"})");
  EXPECT_EQ(response.content_type, "application/json");
  EXPECT_TRUE(response.headers.list().empty());
}

}  // namespace
}  // namespace webhookd
