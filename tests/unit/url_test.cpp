// Tests for URL and host:port parsing.
#include "core/url.hpp"

#include <gtest/gtest.h>

#include <string>

namespace webhookd {
namespace {

Url ParseOk(std::string_view text) {
  Result<Url> url = ParseUrl(text);
  EXPECT_TRUE(url.ok()) << text << ": " << (url.ok() ? "" : url.error().detail);
  return url.ok() ? *url : Url{};
}

void ExpectUrlRejected(std::string_view text) {
  Result<Url> url = ParseUrl(text);
  ASSERT_FALSE(url.ok()) << text << " parsed as host '" << url->host << "' port '" << url->port << "'";
  EXPECT_EQ(url.error().code, ErrorCode::kConfig) << text;
}

TEST(ParseUrl, HttpsDefaultsToPort443) {
  const Url url = ParseOk("https://api.paypro.nl");
  EXPECT_TRUE(url.tls);
  EXPECT_EQ(url.host, "api.paypro.nl");
  EXPECT_EQ(url.port, "443");
  EXPECT_EQ(url.base_path, "");
}

TEST(ParseUrl, HttpDefaultsToPort80) {
  const Url url = ParseOk("http://example.com");
  EXPECT_FALSE(url.tls);
  EXPECT_EQ(url.host, "example.com");
  EXPECT_EQ(url.port, "80");
  EXPECT_EQ(url.base_path, "");
}

TEST(ParseUrl, KeepsExplicitPort) {
  const Url url = ParseOk("http://127.0.0.1:8080");
  EXPECT_EQ(url.host, "127.0.0.1");
  EXPECT_EQ(url.port, "8080");
  EXPECT_EQ(ParseOk("https://h:1").port, "1");
  EXPECT_EQ(ParseOk("https://h:65535").port, "65535");
}

TEST(ParseUrl, TrimsTrailingSlashesFromBasePath) {
  EXPECT_EQ(ParseOk("http://h/v1").base_path, "/v1");
  EXPECT_EQ(ParseOk("http://h/v1/").base_path, "/v1");
  EXPECT_EQ(ParseOk("http://h:81/api/v1///").base_path, "/api/v1");
  EXPECT_EQ(ParseOk("http://h/").base_path, "");
  EXPECT_EQ(ParseOk("http://h///").base_path, "");
}

TEST(ParseUrl, AcceptsBracketedIpv6Literals) {
  Url url = ParseOk("http://[::1]:8080/base/");
  EXPECT_EQ(url.host, "::1");
  EXPECT_EQ(url.port, "8080");
  EXPECT_EQ(url.base_path, "/base");
  url = ParseOk("https://[2001:db8::7]");
  EXPECT_EQ(url.host, "2001:db8::7");
  EXPECT_EQ(url.port, "443");
}

TEST(ParseUrl, RejectsOtherSchemes) {
  ExpectUrlRejected("ftp://example.com");
  ExpectUrlRejected("example.com");
  ExpectUrlRejected("//example.com");
  ExpectUrlRejected("https:/example.com");
}

TEST(ParseUrl, RejectsUserInfoQueryFragmentAndSpaces) {
  ExpectUrlRejected("https://user:pw@api.paypro.nl");
  ExpectUrlRejected("https://user@api.paypro.nl");
  ExpectUrlRejected("https://api.paypro.nl/v1?x=1");
  ExpectUrlRejected("https://api.paypro.nl/v1#top");
  ExpectUrlRejected("https://api.paypro.nl/a b");
}

TEST(ParseUrl, RejectsBadPorts) {
  ExpectUrlRejected("http://h:0");
  ExpectUrlRejected("http://h:70000");
  ExpectUrlRejected("http://h:65536");
  ExpectUrlRejected("http://h:");
  ExpectUrlRejected("http://h:8x");
  ExpectUrlRejected("http://h:-1");
  ExpectUrlRejected("http://[::1]:");
  ExpectUrlRejected("http://[::1]:0");
}

TEST(ParseUrl, RejectsEmptyHost) {
  ExpectUrlRejected("http://");
  ExpectUrlRejected("https:///v1");
  ExpectUrlRejected("http://:8080");
  ExpectUrlRejected("http://[]");
}

TEST(ParseUrl, RejectsUnclosedIpv6Bracket) {
  ExpectUrlRejected("http://[::1");
  ExpectUrlRejected("http://[::1/v1");
}

TEST(UrlToString, RoundTrips) {
  for (const std::string_view text : {"https://api.paypro.nl", "http://127.0.0.1:8080", "http://h:81/api/v1",
                                      "https://[::1]:9443/base", "http://[2001:db8::7]/x", "https://h:80"}) {
    EXPECT_EQ(ParseOk(text).ToString(), text);
  }
}

TEST(UrlToString, DropsDefaultPortAndTrailingSlash) {
  EXPECT_EQ(ParseOk("https://h:443/x/").ToString(), "https://h/x");
  EXPECT_EQ(ParseOk("http://h:80/").ToString(), "http://h");
}

TEST(ParseHostPort, SplitsHostAndPort) {
  auto parsed = ParseHostPort("127.0.0.1:8080");
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(parsed->host, "127.0.0.1");
  EXPECT_EQ(parsed->port, 8080);
  parsed = ParseHostPort("localhost:65535");
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(parsed->host, "localhost");
  EXPECT_EQ(parsed->port, 65535);
}

TEST(ParseHostPort, AcceptsPortZeroAndIpv6) {
  auto parsed = ParseHostPort("[::1]:0");
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(parsed->host, "::1");
  EXPECT_EQ(parsed->port, 0);
  EXPECT_EQ(parsed->ToString(), "[::1]:0");
}

TEST(ParseHostPort, RejectsMalformed) {
  for (const std::string_view text : {"8080", ":8080", "host:", "host:65536", "host:70000", "host:-1", "host:8x",
                                      "[::1]8080", "[::1]", "[::1:80", "[]:80", ""}) {
    auto parsed = ParseHostPort(text);
    ASSERT_FALSE(parsed.ok()) << "'" << text << "' parsed as " << parsed->ToString();
    EXPECT_EQ(parsed.error().code, ErrorCode::kConfig) << text;
  }
}

TEST(HostPortToString, BracketsIpv6Only) {
  EXPECT_EQ((HostPort{"127.0.0.1", 9091}).ToString(), "127.0.0.1:9091");
  EXPECT_EQ((HostPort{"localhost", 80}).ToString(), "localhost:80");
  EXPECT_EQ((HostPort{"fe80::1", 443}).ToString(), "[fe80::1]:443");
}

}  // namespace
}  // namespace webhookd
