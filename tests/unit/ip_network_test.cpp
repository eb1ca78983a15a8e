// Tests for IP address and CIDR parsing and matching.
#include "core/ip_network.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace webhookd {
namespace {

IpAddress Address(std::string_view text) {
  auto address = IpAddress::Parse(text);
  EXPECT_TRUE(address.ok()) << text;
  return address.ok() ? *address : *IpAddress::Parse("0.0.0.0");
}

IpNetwork Network(std::string_view text) {
  auto network = IpNetwork::Parse(text);
  EXPECT_TRUE(network.ok()) << text << ": " << (network.ok() ? "" : network.error().detail);
  return network.ok() ? *network : *IpNetwork::Parse("255.255.255.255");
}

TEST(IpAddress, ParsesIpv4AndIpv6) {
  EXPECT_TRUE(Address("192.0.2.1").is_v4());
  EXPECT_EQ(Address("192.0.2.1").ToString(), "192.0.2.1");
  EXPECT_FALSE(Address("2001:db8::1").is_v4());
  EXPECT_EQ(Address("2001:DB8:0:0::1").ToString(), "2001:db8::1");
  EXPECT_EQ(Address("::1").ToString(), "::1");
}

TEST(IpAddress, TreatsV4MappedIpv6AsTheIpv4Address) {
  const IpAddress mapped = Address("::ffff:192.0.2.1");
  EXPECT_TRUE(mapped.is_v4());
  EXPECT_EQ(mapped, Address("192.0.2.1"));
  EXPECT_EQ(mapped.ToString(), "192.0.2.1");
  EXPECT_EQ(Address("::ffff:c000:201"), Address("192.0.2.1"));
}

TEST(IpAddress, DropsTheZoneOfALinkLocalAddress) {
  EXPECT_EQ(Address("fe80::1%1"), Address("fe80::1"));
}

TEST(IpAddress, RefusesAnythingButAPlainAddress) {
  for (const std::string_view text :
       {"", " ", "unknown", "192.0.2.1 ", " 192.0.2.1", "192.0.2.1:443", "[2001:db8::1]",
        "[2001:db8::1]:443", "192.0.2", "192.0.2.256", "192.0.2.1.5", "2001:db8:::1", "example.com",
        "192.0.2.0/24", "_hidden", "1.2.3.4,5.6.7.8"}) {
    auto address = IpAddress::Parse(text);
    EXPECT_FALSE(address.ok()) << "'" << text << "' parsed as " << address->ToString();
    if (!address.ok()) {
      EXPECT_EQ(address.error().code, ErrorCode::kBadRequest);
    }
  }
}

TEST(IpNetwork, ParsesCidrAndSingleAddresses) {
  EXPECT_EQ(Network("10.0.0.0/8").ToString(), "10.0.0.0/8");
  EXPECT_EQ(Network("192.0.2.7").ToString(), "192.0.2.7/32");
  EXPECT_EQ(Network("0.0.0.0/0").prefix_length(), 0);
  EXPECT_EQ(Network("2001:db8::/32").ToString(), "2001:db8::/32");
  EXPECT_EQ(Network("::1").ToString(), "::1/128");
  EXPECT_EQ(Network("::/0").prefix_length(), 0);
}

TEST(IpNetwork, MatchesIpv4ByPrefix) {
  const IpNetwork network = Network("192.0.2.0/24");
  EXPECT_TRUE(network.Contains(Address("192.0.2.0")));
  EXPECT_TRUE(network.Contains(Address("192.0.2.255")));
  EXPECT_FALSE(network.Contains(Address("192.0.3.0")));
  EXPECT_FALSE(network.Contains(Address("192.0.1.255")));
  EXPECT_TRUE(Network("10.0.0.0/8").Contains(Address("10.255.1.2")));
  EXPECT_TRUE(Network("0.0.0.0/0").Contains(Address("203.0.113.9")));
  EXPECT_TRUE(Network("127.0.0.1").Contains(Address("127.0.0.1")));
  EXPECT_FALSE(Network("127.0.0.1").Contains(Address("127.0.0.2")));
  EXPECT_TRUE(Network("172.16.0.0/12").Contains(Address("172.31.255.255")));
  EXPECT_FALSE(Network("172.16.0.0/12").Contains(Address("172.32.0.0")));
}

TEST(IpNetwork, MatchesIpv6ByPrefix) {
  const IpNetwork network = Network("2001:db8::/32");
  EXPECT_TRUE(network.Contains(Address("2001:db8::1")));
  EXPECT_TRUE(network.Contains(Address("2001:db8:ffff:ffff:ffff:ffff:ffff:ffff")));
  EXPECT_FALSE(network.Contains(Address("2001:db9::")));
  EXPECT_TRUE(Network("2001:db8:0:1::/65").Contains(Address("2001:db8:0:1:7fff::1")));
  EXPECT_FALSE(Network("2001:db8:0:1::/65").Contains(Address("2001:db8:0:1:8000::1")));
  EXPECT_TRUE(Network("::1").Contains(Address("::1")));
}

TEST(IpNetwork, NeverMatchesAcrossFamilies) {
  EXPECT_FALSE(Network("::/0").Contains(Address("192.0.2.1")));
  EXPECT_FALSE(Network("0.0.0.0/0").Contains(Address("2001:db8::1")));
  EXPECT_FALSE(Network("::1").Contains(Address("127.0.0.1")));
}

TEST(IpNetwork, MatchesAnIpv4PeerReportedByADualStackSocket) {
  EXPECT_TRUE(Network("127.0.0.1/32").Contains(Address("::ffff:127.0.0.1")));
  EXPECT_TRUE(Network("192.0.2.0/24").Contains(Address("::ffff:192.0.2.77")));
  EXPECT_FALSE(Network("192.0.2.0/24").Contains(Address("::ffff:192.0.3.77")));
}

TEST(IpNetwork, ReadsAMappedIpv6NetworkAsIpv4) {
  const IpNetwork network = Network("::ffff:192.0.2.0/120");
  EXPECT_EQ(network.ToString(), "192.0.2.0/24");
  EXPECT_TRUE(network.Contains(Address("192.0.2.5")));
  EXPECT_EQ(Network("::ffff:10.1.2.3").ToString(), "10.1.2.3/32");
}

TEST(IpNetwork, RefusesBitsBeyondThePrefixNamingTheNetwork) {
  auto v4 = IpNetwork::Parse("10.1.2.3/8");
  ASSERT_FALSE(v4.ok());
  EXPECT_EQ(v4.error().code, ErrorCode::kConfig);
  EXPECT_EQ(v4.error().detail, "'10.1.2.3/8' has bits set beyond its prefix: write 10.0.0.0/8");
  auto v6 = IpNetwork::Parse("2001:db8::1/32");
  ASSERT_FALSE(v6.ok());
  EXPECT_EQ(v6.error().detail,
            "'2001:db8::1/32' has bits set beyond its prefix: write 2001:db8::/32");
}

TEST(IpNetwork, RefusesMalformedNetworksNamingThem) {
  for (const std::string_view text : {"",
                                      "/",
                                      "/8",
                                      "10.0.0.0/",
                                      "10.0.0.0/33",
                                      "10.0.0.0/-1",
                                      "10.0.0.0/8/8",
                                      "10.0.0.0/ 8",
                                      "10.0.0.0 /8",
                                      "10.0.0.0/8 ",
                                      "10.0.0.0/0x8",
                                      "10.0.0.0/4294967304",
                                      "10.0.0.0/99999999999999999999",
                                      "2001:db8::/129",
                                      "fe80::%1/64",
                                      "10.0.0/8",
                                      "example.com/24",
                                      "any",
                                      "*",
                                      "[2001:db8::]/32",
                                      "10.0.0.0/8,10.1.0.0/16"}) {
    auto network = IpNetwork::Parse(text);
    EXPECT_FALSE(network.ok()) << "'" << text << "' parsed as " << network->ToString();
    if (network.ok()) continue;
    EXPECT_EQ(network.error().code, ErrorCode::kConfig) << text;
    EXPECT_NE(network.error().detail.find("'" + std::string(text) + "'"), std::string::npos)
        << network.error().detail;
  }
}

TEST(IpNetwork, InAnyNetworkIsFalseForAnEmptyList) {
  const std::vector<IpNetwork> none;
  EXPECT_FALSE(InAnyNetwork(none, Address("127.0.0.1")));
  const std::vector<IpNetwork> some = {Network("10.0.0.0/8"), Network("2001:db8::/32")};
  EXPECT_TRUE(InAnyNetwork(some, Address("2001:db8::9")));
  EXPECT_TRUE(InAnyNetwork(some, Address("10.9.9.9")));
  EXPECT_FALSE(InAnyNetwork(some, Address("11.0.0.1")));
  EXPECT_EQ(NetworksText(some), "10.0.0.0/8, 2001:db8::/32");
  EXPECT_EQ(NetworksText(none), "(none)");
}

}  // namespace
}  // namespace webhookd
