// Tests for the sandbox's opaque list cursors.
#include <gtest/gtest.h>

#include "sandbox/list_cursor.hpp"

namespace webhookd::sandbox {
namespace {

TEST(SandboxListCursor, RoundTripsBothDirections) {
  for (uint64_t sequence : {0ULL, 1ULL, 9ULL, 10ULL, 123456789ULL, 18446744073709551615ULL}) {
    for (auto direction : {ListCursor::Direction::kOlder, ListCursor::Direction::kNewer}) {
      const ListCursor cursor{direction, sequence};
      const std::string text = EncodeCursor(cursor);
      auto decoded = DecodeCursor(text);
      ASSERT_TRUE(decoded.ok()) << text;
      EXPECT_EQ(*decoded, cursor);
    }
  }
}

TEST(SandboxListCursor, LooksLikePayProsBase64AndNeedsNoEscaping) {
  EXPECT_EQ(EncodeCursor({ListCursor::Direction::kOlder, 35}), "bjozNQ");  // "n:35"
  const std::string text = EncodeCursor({ListCursor::Direction::kNewer, 987654321});
  EXPECT_EQ(
      text.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"),
      std::string::npos);
}

TEST(SandboxListCursor, AcceptsPadding) {
  auto decoded = DecodeCursor("bjozNQ==");
  ASSERT_TRUE(decoded.ok());
  EXPECT_EQ(decoded->sequence, 35u);
}

TEST(SandboxListCursor, RejectsGarbage) {
  for (std::string_view bad : {"", "!!!!", "bjo", "eDozNQ" /* x:35 */,
                               "bjo"
                               "tMQ" /* n:-1 */,
                               "bjphYmM" /* n:abc */, "bjoxMiA" /* n:12 + space */, "bg" /* n */}) {
    auto decoded = DecodeCursor(bad);
    EXPECT_FALSE(decoded.ok()) << bad;
    if (!decoded.ok()) {
      EXPECT_EQ(decoded.error().code, ErrorCode::kBadRequest);
    }
  }
}

}  // namespace
}  // namespace webhookd::sandbox
