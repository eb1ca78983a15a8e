// Address and network parsing through Boost.Asio (inet_pton underneath), and prefix matching.
#include "core/ip_network.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/ip/network_v4.hpp>
#include <boost/asio/ip/network_v6.hpp>

namespace webhookd {

namespace ip = boost::asio::ip;

namespace {

constexpr int kV4Bits = 32;
constexpr int kV6Bits = 128;
constexpr int kMappedPrefix = 96;  // ::ffff:0:0/96 holds the IPv4-mapped addresses
// Boost reads the prefix with atoi, whose result past INT_MAX is undefined:
// longer digit strings are refused before they get there.
constexpr size_t kMaxPrefixDigits = 3;

Error NotANetwork(std::string_view text) {
  return MakeError(ErrorCode::kConfig, "invalid network",
                   fmt::format("'{}' is not an IP network: write a CIDR such as 192.0.2.0/24 or "
                               "2001:db8::/32, or a single address",
                               text));
}

ip::address_v4 ToV4(const std::array<uint8_t, 16>& bytes) {
  return ip::address_v4(ip::address_v4::bytes_type{bytes[0], bytes[1], bytes[2], bytes[3]});
}

ip::address_v6 ToV6(const std::array<uint8_t, 16>& bytes) {
  ip::address_v6::bytes_type v6;
  std::copy(bytes.begin(), bytes.end(), v6.begin());
  return ip::address_v6(v6);
}

// Boost's parse, then the check that no bit is set past the prefix.
template <typename Network, typename Make>
Result<Network> ParseCanonical(std::string_view text, Make make) {
  boost::system::error_code ec;
  const Network network = make(text, ec);
  if (ec) return NotANetwork(text);
  if (network != network.canonical()) {
    return MakeError(ErrorCode::kConfig, "invalid network",
                     fmt::format("'{}' has bits set beyond its prefix: write {}", text,
                                 network.canonical().to_string()));
  }
  return network;
}

}  // namespace

Result<IpAddress> IpAddress::Parse(std::string_view text) {
  boost::system::error_code ec;
  const ip::address parsed = ip::make_address(text, ec);
  if (ec) {
    return MakeError(ErrorCode::kBadRequest, "not an IP address",
                     fmt::format("'{}' is not an IP address", text));
  }
  IpAddress address;
  if (parsed.is_v6() && parsed.to_v6().is_v4_mapped()) {
    const auto v4 = ip::make_address_v4(ip::v4_mapped, parsed.to_v6()).to_bytes();
    std::copy(v4.begin(), v4.end(), address.bytes_.begin());
    address.v4_ = true;
  } else if (parsed.is_v4()) {
    const auto v4 = parsed.to_v4().to_bytes();
    std::copy(v4.begin(), v4.end(), address.bytes_.begin());
    address.v4_ = true;
  } else {
    const auto v6 = parsed.to_v6().to_bytes();
    std::copy(v6.begin(), v6.end(), address.bytes_.begin());
  }
  return address;
}

std::string IpAddress::ToString() const {
  return v4_ ? ToV4(bytes_).to_string() : ToV6(bytes_).to_string();
}

Result<IpNetwork> IpNetwork::Parse(std::string_view text) {
  const size_t slash = text.find('/');
  if (slash == std::string_view::npos) {
    auto single = IpAddress::Parse(text);
    if (!single) return NotANetwork(text);
    return IpNetwork(*single, single->is_v4() ? kV4Bits : kV6Bits);
  }
  const std::string_view host = text.substr(0, slash);
  const size_t prefix_digits = text.size() - slash - 1;
  // A zone names an interface of this host; it has no place in a rule about peers.
  if (prefix_digits == 0 || prefix_digits > kMaxPrefixDigits ||
      host.find('%') != std::string_view::npos) {
    return NotANetwork(text);
  }
  boost::system::error_code ec;
  const ip::address base = ip::make_address(host, ec);
  if (ec) return NotANetwork(text);
  if (base.is_v4()) {
    auto network = ParseCanonical<ip::network_v4>(
        text, [](std::string_view whole, boost::system::error_code& error) {
          return ip::make_network_v4(whole, error);
        });
    if (!network) return network.take_error();
    // Through the text form: config-time only, and IpAddress keeps Boost out of its header.
    return IpNetwork(*IpAddress::Parse(network->address().to_string()), network->prefix_length());
  }
  auto network = ParseCanonical<ip::network_v6>(
      text, [](std::string_view whole, boost::system::error_code& error) {
        return ip::make_network_v6(whole, error);
      });
  if (!network) return network.take_error();
  // A mapped base address has its ffff bits below /96, so it is canonical only
  // from /96 on, and then it is the IPv4 network it maps.
  const IpAddress address = *IpAddress::Parse(network->address().to_string());
  const int prefix_length = network->prefix_length();
  return IpNetwork(address, address.is_v4() ? prefix_length - kMappedPrefix : prefix_length);
}

bool IpNetwork::Contains(const IpAddress& address) const {
  if (address.v4_ != address_.v4_) return false;
  const auto prefix = static_cast<unsigned short>(prefix_length_);
  if (address.v4_)
    return ip::network_v4(ToV4(address.bytes_), prefix).network() == ToV4(address_.bytes_);
  return ip::network_v6(ToV6(address.bytes_), prefix).network() == ToV6(address_.bytes_);
}

std::string IpNetwork::ToString() const {
  return fmt::format("{}/{}", address_.ToString(), prefix_length_);
}

bool InAnyNetwork(std::span<const IpNetwork> networks, const IpAddress& address) {
  for (const IpNetwork& network : networks) {
    if (network.Contains(address)) return true;
  }
  return false;
}

std::string NetworksText(std::span<const IpNetwork> networks) {
  if (networks.empty()) return "(none)";
  std::string text;
  for (const IpNetwork& network : networks) {
    if (!text.empty()) text += ", ";
    text += network.ToString();
  }
  return text;
}

}  // namespace webhookd
