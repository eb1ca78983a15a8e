// Who a webhook call comes from: the direct peer, or what trusted proxies say in X-Forwarded-For.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "core/http_message.hpp"
#include "core/ip_network.hpp"

namespace webhookd {

/// The address a request comes from.
///
/// The direct peer is the client unless it is in `trusted_proxies`. Then the
/// X-Forwarded-For headers (several are read as one list, in order) are
/// walked from the right, the hop nearest to us, since each proxy appends
/// the address it saw: a trusted address is skipped, and the first untrusted
/// one is the client. Entries left of it were written by the client itself
/// and are never looked at, so a client cannot choose its own address.
///
/// An entry that is not a plain IP address (empty, "unknown", with a port)
/// stops the walk, and the last address read before it is the client: that
/// is the hop which handed us the bad entry, and the nearest one a trusted
/// proxy vouches for. The same holds when every entry is trusted. Either way
/// the answer is an address some trusted proxy really saw, never one taken
/// on a client's word.
///
/// nullopt when the peer itself is not an IP address (a TCP peer always is).
std::optional<IpAddress> ClientAddressOf(const ServerRequest& request,
                                         std::span<const IpNetwork> trusted_proxies);

/// Whether `client` may call: anyone when `allow_from` is empty, otherwise a
/// client in one of its networks. An unknown client is allowed only when
/// everyone is.
bool ClientAllowed(const std::optional<IpAddress>& client, std::span<const IpNetwork> allow_from);

/// The client as log lines name it: "203.0.113.7 via 127.0.0.1" when a proxy
/// relayed the call, "203.0.113.7" when it came directly, the raw peer text
/// when the client is unknown.
std::string ClientLabel(std::string_view peer_address, const std::optional<IpAddress>& client);

}  // namespace webhookd
