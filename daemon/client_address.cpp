// The X-Forwarded-For walk and the allow_from check.
#include "daemon/client_address.hpp"

#include <vector>

namespace webhookd {

namespace {

std::string_view TrimSpaces(std::string_view text) {
  const size_t first = text.find_first_not_of(" \t");
  if (first == std::string_view::npos) return {};
  return text.substr(first, text.find_last_not_of(" \t") - first + 1);
}

// Every X-Forwarded-For entry, leftmost first, across repeated headers.
std::vector<std::string_view> ForwardedEntries(const HttpHeaders& headers) {
  std::vector<std::string_view> entries;
  for (const HttpHeader& header : headers.list()) {
    if (!HeaderNameEquals(header.name, "X-Forwarded-For")) continue;
    std::string_view rest = header.value;
    while (true) {
      const size_t comma = rest.find(',');
      entries.push_back(TrimSpaces(rest.substr(0, comma)));
      if (comma == std::string_view::npos) break;
      rest.remove_prefix(comma + 1);
    }
  }
  return entries;
}

}  // namespace

std::optional<IpAddress> ClientAddressOf(const ServerRequest& request,
                                         std::span<const IpNetwork> trusted_proxies) {
  auto peer = IpAddress::Parse(request.peer_address);
  if (!peer) return std::nullopt;
  IpAddress client = *peer;
  if (!InAnyNetwork(trusted_proxies, client)) return client;
  const std::vector<std::string_view> entries = ForwardedEntries(request.headers);
  for (auto entry = entries.rbegin(); entry != entries.rend(); ++entry) {
    auto hop = IpAddress::Parse(*entry);
    if (!hop) break;
    client = *hop;
    if (!InAnyNetwork(trusted_proxies, client)) break;
  }
  return client;
}

bool ClientAllowed(const std::optional<IpAddress>& client, std::span<const IpNetwork> allow_from) {
  if (allow_from.empty()) return true;
  return client && InAnyNetwork(allow_from, *client);
}

std::string ClientLabel(std::string_view peer_address, const std::optional<IpAddress>& client) {
  if (!client) return std::string(peer_address);
  std::string label = client->ToString();
  auto peer = IpAddress::Parse(peer_address);
  if (peer && *peer != *client) label += " via " + peer->ToString();
  return label;
}

}  // namespace webhookd
