// IP addresses and CIDR networks, parsed by Boost.Asio, for deciding whom to believe and admit.
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "core/result.hpp"

namespace webhookd {

/// An IPv4 or IPv6 address. An IPv4-mapped IPv6 address (::ffff:192.0.2.1,
/// how a dual-stack socket reports an IPv4 peer) is stored as the IPv4
/// address, so that one rule covers a client however it connected. A zone
/// (fe80::1%eth0) is dropped: it names an interface, not a host.
class IpAddress {
 public:
  /// Parses a plain address: no brackets, no port, no surrounding spaces.
  /// kBadRequest when `text` is anything else.
  static Result<IpAddress> Parse(std::string_view text);

  bool is_v4() const { return v4_; }
  /// Network byte order; only the first 4 bytes are used for IPv4.
  const std::array<uint8_t, 16>& bytes() const { return bytes_; }
  /// 192.0.2.1 or 2001:db8::1.
  std::string ToString() const;

  bool operator==(const IpAddress&) const = default;

 private:
  IpAddress() = default;
  friend class IpNetwork;

  std::array<uint8_t, 16> bytes_{};
  bool v4_ = false;
};

/// A network in CIDR notation (192.0.2.0/24, 2001:db8::/32); a bare address
/// is a network of one (/32, /128). An IPv4-mapped IPv6 network of prefix
/// 96 or more is the IPv4 network it maps.
class IpNetwork {
 public:
  /// Parses `text`. kConfig, with a message naming `text`, when it is not a
  /// network or when bits beyond the prefix are set (10.1.2.3/8 is more
  /// likely a typo than a way to write 10.0.0.0/8).
  static Result<IpNetwork> Parse(std::string_view text);

  /// Whether `address` lies in this network; never across families.
  bool Contains(const IpAddress& address) const;
  const IpAddress& address() const { return address_; }
  int prefix_length() const { return prefix_length_; }
  /// Always with the prefix: 192.0.2.0/24, 192.0.2.1/32.
  std::string ToString() const;

  bool operator==(const IpNetwork&) const = default;

 private:
  IpNetwork(IpAddress address, int prefix_length)
      : address_(address), prefix_length_(prefix_length) {}

  IpAddress address_;
  int prefix_length_ = 0;
};

/// Whether any of `networks` contains `address`; false for an empty list.
bool InAnyNetwork(std::span<const IpNetwork> networks, const IpAddress& address);

/// "192.0.2.0/24, 2001:db8::/32", or "(none)" for an empty list.
std::string NetworksText(std::span<const IpNetwork> networks);

}  // namespace webhookd
