// Tests for the client address behind trusted proxies and the allow_from check.
#include "daemon/client_address.hpp"

#include <gtest/gtest.h>

#include <initializer_list>
#include <string>
#include <vector>

namespace webhookd {
namespace {

std::vector<IpNetwork> Networks(std::initializer_list<std::string_view> texts) {
  std::vector<IpNetwork> networks;
  for (std::string_view text : texts) networks.push_back(IpNetwork::Parse(text).value());
  return networks;
}

ServerRequest From(std::string peer, std::initializer_list<std::string> forwarded_for = {}) {
  ServerRequest request;
  request.peer_address = std::move(peer);
  for (const std::string& value : forwarded_for) request.headers.Add("X-Forwarded-For", value);
  return request;
}

class ClientAddressTest : public ::testing::Test {
 protected:
  // The client's address as text, "(unknown)" for nullopt.
  std::string ClientOf(const ServerRequest& request) const {
    const auto client = ClientAddressOf(request, trusted_);
    return client ? client->ToString() : "(unknown)";
  }

  std::vector<IpNetwork> trusted_ = Networks({"127.0.0.1/32", "::1", "10.0.0.0/8"});
};

TEST_F(ClientAddressTest, IgnoresForwardedForFromAnUntrustedPeer) {
  EXPECT_EQ(ClientOf(From("203.0.113.7", {"192.0.2.1"})), "203.0.113.7");
  EXPECT_EQ(ClientOf(From("203.0.113.7")), "203.0.113.7");
}

TEST_F(ClientAddressTest, TrustsNothingByDefault) {
  trusted_.clear();
  EXPECT_EQ(ClientOf(From("127.0.0.1", {"192.0.2.1"})), "127.0.0.1");
}

TEST_F(ClientAddressTest, TakesTheAddressATrustedProxyAppended) {
  EXPECT_EQ(ClientOf(From("127.0.0.1", {"192.0.2.1"})), "192.0.2.1");
  EXPECT_EQ(ClientOf(From("::1", {"2001:db8::7"})), "2001:db8::7");
}

TEST_F(ClientAddressTest, NeverReadsWhatTheClientWroteLeftOfItsOwnAddress) {
  // The client sent "X-Forwarded-For: 10.0.0.5, 192.0.2.99" hoping to pass
  // as a trusted or allowed address; nginx appended the address it saw.
  EXPECT_EQ(ClientOf(From("127.0.0.1", {"10.0.0.5, 192.0.2.99, 203.0.113.7"})), "203.0.113.7");
}

TEST_F(ClientAddressTest, SkipsTrustedHopsFromTheRight) {
  EXPECT_EQ(ClientOf(From("127.0.0.1", {"203.0.113.7, 10.1.1.1, 10.2.2.2"})), "203.0.113.7");
  EXPECT_EQ(ClientOf(From("10.9.9.9", {"198.51.100.1,203.0.113.7,10.1.1.1"})), "203.0.113.7");
}

TEST_F(ClientAddressTest, JoinsRepeatedHeadersInOrder) {
  EXPECT_EQ(ClientOf(From("127.0.0.1", {"198.51.100.1, 203.0.113.7", "10.1.1.1"})), "203.0.113.7");
  EXPECT_EQ(ClientOf(From("127.0.0.1", {"10.1.1.1", "203.0.113.7"})), "203.0.113.7");
  ServerRequest mixed_case = From("127.0.0.1");
  mixed_case.headers.Add("x-forwarded-for", "203.0.113.7");
  EXPECT_EQ(ClientOf(mixed_case), "203.0.113.7");
}

TEST_F(ClientAddressTest, UsesTheLeftmostWhenEveryHopIsTrusted) {
  EXPECT_EQ(ClientOf(From("127.0.0.1", {"10.1.1.1, 10.2.2.2"})), "10.1.1.1");
  EXPECT_EQ(ClientOf(From("127.0.0.1", {"127.0.0.1"})), "127.0.0.1");
}

TEST_F(ClientAddressTest, TakesThePeerWhenATrustedProxySentNoHeader) {
  EXPECT_EQ(ClientOf(From("127.0.0.1")), "127.0.0.1");
  EXPECT_EQ(ClientOf(From("127.0.0.1", {""})), "127.0.0.1");
}

TEST_F(ClientAddressTest, StopsAtAMalformedEntryWithTheLastGoodAddress) {
  EXPECT_EQ(ClientOf(From("127.0.0.1", {"unknown"})), "127.0.0.1");
  EXPECT_EQ(ClientOf(From("127.0.0.1", {"203.0.113.7, garbage, 10.1.1.1"})), "10.1.1.1");
  EXPECT_EQ(ClientOf(From("127.0.0.1", {"203.0.113.7, , 10.1.1.1"})), "10.1.1.1");
  EXPECT_EQ(ClientOf(From("127.0.0.1", {"203.0.113.7:4711"})), "127.0.0.1");
  EXPECT_EQ(ClientOf(From("127.0.0.1", {"[2001:db8::7]"})), "127.0.0.1");
  EXPECT_EQ(ClientOf(From("127.0.0.1", {"203.0.113.7,"})), "127.0.0.1");
  // The walk never gets as far as the garbage when an untrusted hop comes first.
  EXPECT_EQ(ClientOf(From("127.0.0.1", {"garbage, 203.0.113.7"})), "203.0.113.7");
}

TEST_F(ClientAddressTest, TrimsSpacesAndTabsAroundEntries) {
  EXPECT_EQ(ClientOf(From("127.0.0.1", {" 198.51.100.1 ,\t203.0.113.7\t"})), "203.0.113.7");
}

TEST_F(ClientAddressTest, MatchesAPeerReportedAsV4MappedIpv6) {
  EXPECT_EQ(ClientOf(From("::ffff:127.0.0.1", {"203.0.113.7"})), "203.0.113.7");
  EXPECT_EQ(ClientOf(From("127.0.0.1", {"::ffff:203.0.113.7"})), "203.0.113.7");
  EXPECT_EQ(ClientOf(From("::ffff:203.0.113.7", {"192.0.2.1"})), "203.0.113.7");
}

TEST_F(ClientAddressTest, UnparsablePeerIsUnknown) {
  EXPECT_EQ(ClientOf(From("", {"203.0.113.7"})), "(unknown)");
  EXPECT_EQ(ClientOf(From("/run/webhookd.sock", {"203.0.113.7"})), "(unknown)");
}

TEST(ClientAllowed, AllowsEveryoneWhenTheListIsEmpty) {
  EXPECT_TRUE(ClientAllowed(IpAddress::Parse("203.0.113.7").value(), {}));
  EXPECT_TRUE(ClientAllowed(std::nullopt, {}));
}

TEST(ClientAllowed, AllowsOnlyListedNetworks) {
  const std::vector<IpNetwork> allow = Networks({"192.0.2.0/24", "2001:db8::/32"});
  EXPECT_TRUE(ClientAllowed(IpAddress::Parse("192.0.2.200").value(), allow));
  EXPECT_TRUE(ClientAllowed(IpAddress::Parse("::ffff:192.0.2.200").value(), allow));
  EXPECT_TRUE(ClientAllowed(IpAddress::Parse("2001:db8::1").value(), allow));
  EXPECT_FALSE(ClientAllowed(IpAddress::Parse("192.0.3.1").value(), allow));
  EXPECT_FALSE(ClientAllowed(IpAddress::Parse("127.0.0.1").value(), allow));
  EXPECT_FALSE(ClientAllowed(std::nullopt, allow));
}

TEST(ClientLabel, NamesTheProxyOnlyWhenOneRelayedTheCall) {
  EXPECT_EQ(ClientLabel("127.0.0.1", IpAddress::Parse("203.0.113.7").value()),
            "203.0.113.7 via 127.0.0.1");
  EXPECT_EQ(ClientLabel("203.0.113.7", IpAddress::Parse("203.0.113.7").value()), "203.0.113.7");
  EXPECT_EQ(ClientLabel("::ffff:203.0.113.7", IpAddress::Parse("203.0.113.7").value()),
            "203.0.113.7");
  EXPECT_EQ(ClientLabel("odd peer", std::nullopt), "odd peer");
}

}  // namespace
}  // namespace webhookd
