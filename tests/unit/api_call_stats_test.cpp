// Tests for counting PayPro API calls by answer.
#include "paypro/api_call_stats.hpp"

#include <gtest/gtest.h>

#include "core/http_message.hpp"

namespace webhookd {
namespace {

uint64_t Calls(const ApiCallStats& stats, std::string_view outcome) {
  for (size_t i = 0; i < ApiCallStats::kOutcomes.size(); ++i) {
    if (ApiCallStats::kOutcomes[i] == outcome) return stats.calls[i].load();
  }
  ADD_FAILURE() << "no outcome " << outcome;
  return 0;
}

ClientResponse Answer(unsigned status) {
  ClientResponse response;
  response.status = status;
  return response;
}

TEST(ApiCallStats, CountsListedStatusesByThemselves) {
  ApiCallStats stats;
  for (const unsigned status : {200u, 200u, 401u, 404u, 429u, 503u}) stats.Count(Answer(status));
  EXPECT_EQ(Calls(stats, "200"), 2u);
  EXPECT_EQ(Calls(stats, "401"), 1u);
  EXPECT_EQ(Calls(stats, "404"), 1u);
  EXPECT_EQ(Calls(stats, "429"), 1u);
  EXPECT_EQ(Calls(stats, "503"), 1u);
  EXPECT_EQ(Calls(stats, "other"), 0u);
}

TEST(ApiCallStats, CountsUnlistedStatusesAsOther) {
  ApiCallStats stats;
  stats.Count(Answer(418));
  stats.Count(Answer(302));
  EXPECT_EQ(Calls(stats, "other"), 2u);
}

TEST(ApiCallStats, TellsTimeoutsFromOtherFailures) {
  ApiCallStats stats;
  stats.Count(MakeError(ErrorCode::kTimeout, "request failed"));
  stats.Count(MakeError(ErrorCode::kUnavailable, "connection failed"));
  stats.Count(MakeError(ErrorCode::kUpstream, "request failed"));
  EXPECT_EQ(Calls(stats, "timeout"), 1u);
  EXPECT_EQ(Calls(stats, "error"), 2u);
}

}  // namespace
}  // namespace webhookd
