#include "protocol/relay_endpoint.h"

#include <cctype>
#include <cstring>
#include <stdexcept>
#include <tuple>

#include "crypto/bech32.h"

namespace gongyou::protocol {

std::string encodeRelayKey(const crypto::SignPublicKey& key) {
  return bech32::encode(kRelayKeyHrp, ByteView(key.data(), key.size()));
}

std::optional<crypto::SignPublicKey> decodeRelayKey(std::string_view text) {
  auto d = bech32::decode(text);
  if (!d || d->hrp != kRelayKeyHrp || d->data.size() != crypto::SignPublicKey().size()) return std::nullopt;
  crypto::SignPublicKey k;
  std::memcpy(k.data(), d->data.data(), k.size());
  return k;
}

namespace {

// HOST[:PORT] into `out`; false for an empty host, a port that is not 1..5
// digits up to 65535, or no port where one is required.
bool splitAuthority(std::string_view hp, bool portOptional, RelayAddress& out) {
  if (hp.empty()) return false;
  std::string_view host = hp;
  const auto colon = hp.rfind(':');
  const bool bracketed = hp.front() == '[';
  if (colon != std::string_view::npos && (!bracketed || colon > hp.find(']'))) {
    host = hp.substr(0, colon);
    const std::string_view port = hp.substr(colon + 1);
    if (port.empty() || port.size() > 5) return false;
    unsigned long n = 0;
    for (char c : port) {
      if (!std::isdigit(static_cast<unsigned char>(c))) return false;
      n = n * 10 + static_cast<unsigned long>(c - '0');
    }
    if (n > 65535) return false;
    out.port = static_cast<unsigned short>(n);
  } else if (!portOptional) {
    return false;
  }
  if (host.empty() || host == "[]") return false;
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  out.host = std::string(host);
  out.authority = std::string(hp);
  return true;
}

}  // namespace

std::string RelayAddress::hostPort() const {
  return (host.find(':') != std::string::npos ? "[" + host + "]" : host) + ":" + std::to_string(port);
}

std::optional<RelayAddress> parseRelayAddress(std::string_view a) {
  if (a.empty() || a.size() > 255) return std::nullopt;
  for (char c : a)
    if (static_cast<unsigned char>(c) <= ' ' || static_cast<unsigned char>(c) >= 0x7f) return std::nullopt;
  RelayAddress out;
  for (auto [scheme, transport, port] : {std::tuple{std::string_view("ws://"), RelayAddress::Transport::WebSocket, 80},
                                         std::tuple{std::string_view("wss://"), RelayAddress::Transport::WebSocketTls, 443}})
    if (a.substr(0, scheme.size()) == scheme) {
      const auto rest = a.substr(scheme.size());
      const auto slash = rest.find('/');
      // The path is where the relay's front sends it on: required.
      if (slash == std::string_view::npos || rest.find_first_of("?#", slash) != std::string_view::npos) return std::nullopt;
      out.transport = transport;
      out.port = static_cast<unsigned short>(port);
      out.path = std::string(rest.substr(slash));
      if (!splitAuthority(rest.substr(0, slash), true, out)) return std::nullopt;
      return out;
    }
  if (a.find('/') != std::string_view::npos || !splitAuthority(a, false, out)) return std::nullopt;
  return out;
}

std::string RelayEndpoint::text() const { return key ? address + "=" + encodeRelayKey(*key) : address; }

RelayEndpoint RelayEndpoint::parse(std::string_view text) {
  RelayEndpoint e;
  auto eq = text.rfind('=');
  std::string_view address = eq == std::string_view::npos ? text : text.substr(0, eq);
  if (eq != std::string_view::npos) {
    e.key = decodeRelayKey(text.substr(eq + 1));
    if (!e.key) throw std::invalid_argument("relay key is not a gongyou-relay1… key: " + std::string(text.substr(eq + 1)));
  }
  if (!validRelayAddress(address))
    throw std::invalid_argument("relay must be HOST:PORT or wss://HOST/PATH (then =KEY): " + std::string(address));
  e.address = std::string(address);
  return e;
}

}  // namespace gongyou::protocol
