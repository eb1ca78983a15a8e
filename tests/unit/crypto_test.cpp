// Tests for HMAC-SHA256, hex, base64 and constant-time comparison.
#include "core/crypto.hpp"

#include <gtest/gtest.h>

#include <optional>
#include <string>

namespace webhookd {
namespace {

TEST(HmacSha256, MatchesRfc4231TestCase2) {
  // RFC 4231 section 4.3: key "Jefe", data "what do ya want for nothing?".
  const std::string mac = HmacSha256("Jefe", "what do ya want for nothing?");
  EXPECT_EQ(mac.size(), 32u);
  EXPECT_EQ(ToHex(mac), "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

TEST(HmacSha256, MatchesRfc4231TestCase1WithBinaryKey) {
  // RFC 4231 section 4.2: key 20 x 0x0b, data "Hi There".
  const std::string key(20, '\x0b');
  EXPECT_EQ(ToHex(HmacSha256(key, "Hi There")),
            "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7");
}

TEST(HmacSha256, KeepsEmbeddedNulBytes) {
  const std::string with_nul("a\0b", 3);
  EXPECT_NE(HmacSha256("key", with_nul), HmacSha256("key", "a"));
  EXPECT_NE(HmacSha256(std::string("k\0x", 3), "msg"), HmacSha256("k", "msg"));
}

TEST(ToHex, EncodesEveryByteAsTwoLowercaseDigits) {
  EXPECT_EQ(ToHex(""), "");
  EXPECT_EQ(ToHex(std::string("\x00\x01\x0f\x10\x7f\x80\xab\xff", 8)), "00010f107f80abff");
  EXPECT_EQ(ToHex("AZ"), "415a");
}

TEST(Base64Encode, MatchesRfc4648Section10Vectors) {
  EXPECT_EQ(Base64Encode(""), "");
  EXPECT_EQ(Base64Encode("f"), "Zg==");
  EXPECT_EQ(Base64Encode("fo"), "Zm8=");
  EXPECT_EQ(Base64Encode("foo"), "Zm9v");
  EXPECT_EQ(Base64Encode("foob"), "Zm9vYg==");
  EXPECT_EQ(Base64Encode("fooba"), "Zm9vYmE=");
  EXPECT_EQ(Base64Encode("foobar"), "Zm9vYmFy");
}

TEST(Base64Encode, UsesStandardAlphabetForHighBytes) {
  // printf '\xfb\xff\xbf' | base64
  EXPECT_EQ(Base64Encode("\xfb\xff\xbf"), "+/+/");
  EXPECT_EQ(Base64Encode(std::string("\0\0\0", 3)), "AAAA");
}

TEST(Base64Decode, InvertsRfc4648Section10Vectors) {
  EXPECT_EQ(Base64Decode(""), "");
  EXPECT_EQ(Base64Decode("Zg=="), "f");
  EXPECT_EQ(Base64Decode("Zm8="), "fo");
  EXPECT_EQ(Base64Decode("Zm9v"), "foo");
  EXPECT_EQ(Base64Decode("Zm9vYg=="), "foob");
  EXPECT_EQ(Base64Decode("Zm9vYmE="), "fooba");
  EXPECT_EQ(Base64Decode("Zm9vYmFy"), "foobar");
}

TEST(Base64Decode, AcceptsMissingPadding) {
  EXPECT_EQ(Base64Decode("Zg"), "f");
  EXPECT_EQ(Base64Decode("Zm8"), "fo");
  EXPECT_EQ(Base64Decode("Zm9vYg"), "foob");
}

TEST(Base64Decode, RoundTripsBinaryBytes) {
  std::string all_bytes;
  for (int byte = 0; byte < 256; ++byte) all_bytes.push_back(static_cast<char>(byte));
  EXPECT_EQ(Base64Decode(Base64Encode(all_bytes)), all_bytes);
  EXPECT_EQ(Base64Decode("+/+/"), "\xfb\xff\xbf");
  EXPECT_EQ(Base64Decode("AAAA"), std::string("\0\0\0", 3));
}

TEST(Base64Decode, RejectsForeignCharactersAndBadPadding) {
  EXPECT_EQ(Base64Decode("Zm9v YmFy"), std::nullopt);
  EXPECT_EQ(Base64Decode("Zm9v\n"), std::nullopt);
  EXPECT_EQ(Base64Decode("Zm9-"), std::nullopt);  // base64url alphabet
  EXPECT_EQ(Base64Decode("Zm9_"), std::nullopt);
  EXPECT_EQ(Base64Decode("Z"), std::nullopt);  // 6 bits cannot make a byte
  EXPECT_EQ(Base64Decode("Zm9vY"), std::nullopt);
  EXPECT_EQ(Base64Decode("Zg="), std::nullopt);  // padding must complete a group of 4
  EXPECT_EQ(Base64Decode("Z==="), std::nullopt);
  EXPECT_EQ(Base64Decode("Zg==Zg=="), std::nullopt);
  EXPECT_EQ(Base64Decode("===="), std::nullopt);
  EXPECT_EQ(Base64Decode("="), std::nullopt);
}

TEST(ConstantTimeEquals, ComparesContent) {
  EXPECT_TRUE(ConstantTimeEquals("", ""));
  EXPECT_TRUE(ConstantTimeEquals("abc", "abc"));
  EXPECT_FALSE(ConstantTimeEquals("abc", "abd"));
  EXPECT_FALSE(ConstantTimeEquals("abc", "Abc"));
  EXPECT_TRUE(ConstantTimeEquals(std::string("a\0b", 3), std::string("a\0b", 3)));
  EXPECT_FALSE(ConstantTimeEquals(std::string("a\0b", 3), std::string("a\0c", 3)));
}

TEST(ConstantTimeEquals, DifferentLengthsAreUnequal) {
  EXPECT_FALSE(ConstantTimeEquals("abc", "abcd"));
  EXPECT_FALSE(ConstantTimeEquals("abc", "ab"));
  EXPECT_FALSE(ConstantTimeEquals("", "a"));
}

}  // namespace
}  // namespace webhookd
