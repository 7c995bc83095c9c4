#include "protocol/relay_endpoint.h"

#include <cctype>
#include <cstring>
#include <stdexcept>

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

bool hostPortValid(std::string_view hp, bool portOptional) {
  if (hp.empty()) return false;
  std::string_view host = hp, port;
  auto colon = hp.rfind(':');
  const bool bracketed = hp.front() == '[';
  if (colon != std::string_view::npos && (!bracketed || colon > hp.find(']'))) {
    host = hp.substr(0, colon);
    port = hp.substr(colon + 1);
    if (port.empty() || port.size() > 5) return false;
    for (char c : port)
      if (!std::isdigit(static_cast<unsigned char>(c))) return false;
    if (std::stoul(std::string(port)) > 65535) return false;
  } else if (!portOptional) {
    return false;
  }
  return !host.empty() && host != "[]";
}

}  // namespace

bool validRelayAddress(std::string_view a) {
  if (a.empty() || a.size() > 255) return false;
  for (char c : a)
    if (static_cast<unsigned char>(c) <= ' ' || static_cast<unsigned char>(c) >= 0x7f) return false;
  for (std::string_view scheme : {"ws://", "wss://"})
    if (a.substr(0, scheme.size()) == scheme) {
      auto rest = a.substr(scheme.size());
      auto slash = rest.find('/');
      if (slash == std::string_view::npos) return false;  // the path is where the relay's front sends it on
      return hostPortValid(rest.substr(0, slash), true) && rest.find_first_of("?#", slash) == std::string_view::npos;
    }
  if (a.find('/') != std::string_view::npos) return false;
  return hostPortValid(a, false);
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
