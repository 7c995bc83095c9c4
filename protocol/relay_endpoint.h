// A relay as a centre names it: where it is, and the Ed25519 key it proves
// itself with. The key is what makes a relay's receipt worth anything: a relay
// impersonating another (an on-path attacker, a seized host, a hostile relay
// answering for an honest one) cannot sign for its key, so the reporter keeps the
// report queued instead of believing "stored".
//
// Text form, the same on the command line (`--relay`), in the keyring and in the
// courier key file:  ADDRESS=KEY  e.g.
//   relay.example.org:7455=gongyou-relay1q…      raw Cap'n Proto over TCP
//   wss://relay.example.org/gongyou=gongyou-relay1q…
// KEY is the relay's public key in Bech32 with HRP "gongyou-relay" (what
// `gongyou-relay key` prints). ADDRESS alone (no key) is a relay that can serve a
// bundle (bundles prove themselves) but whose receipts never verify.
//
// Failure modes: parse throws std::invalid_argument naming what was wrong.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "crypto/sign.h"

namespace gongyou::protocol {

inline constexpr char kRelayKeyHrp[] = "gongyou-relay";

std::string encodeRelayKey(const crypto::SignPublicKey& key);
std::optional<crypto::SignPublicKey> decodeRelayKey(std::string_view text);

struct RelayEndpoint {
  std::string address;
  std::optional<crypto::SignPublicKey> key;

  RelayEndpoint() = default;
  RelayEndpoint(std::string a, std::optional<crypto::SignPublicKey> k = std::nullopt)  // NOLINT: a bare address is an endpoint
      : address(std::move(a)), key(k) {}
  RelayEndpoint(const char* a) : address(a) {}  // NOLINT

  // "ADDRESS=KEY", or "ADDRESS" with no key.
  std::string text() const;
  // Accepts the text form; the address must pass validRelayAddress.
  static RelayEndpoint parse(std::string_view text);
  bool operator==(const RelayEndpoint& o) const { return address == o.address && key == o.key; }
};

// An address a client can connect to: HOST:PORT (raw Cap'n Proto RPC over TCP,
// for loopback and onion services), or ws://HOST[:PORT]/PATH and
// wss://HOST[:PORT]/PATH (the same RPC over WebSocket, over TLS for wss). Printable
// ASCII only, 1..255 bytes; no query or fragment.
struct RelayAddress {
  enum class Transport { Tcp, WebSocket, WebSocketTls };
  Transport transport = Transport::Tcp;
  std::string host;       // brackets of an IPv6 literal removed
  unsigned short port = 0;  // 80 or 443 when a ws(s) URL names none
  std::string authority;  // as written: HOST or HOST:PORT (the HTTP Host header)
  std::string path;       // ws(s) only, from its '/'
  std::string hostPort() const;  // "HOST:PORT" (IPv6 bracketed) to connect to
};
// The one parser of relay addresses; nullopt for anything else.
std::optional<RelayAddress> parseRelayAddress(std::string_view address);
inline bool validRelayAddress(std::string_view address) { return parseRelayAddress(address).has_value(); }

}  // namespace gongyou::protocol
