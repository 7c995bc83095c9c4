// Relay addresses and keys as the centre names them (ADDRESS=KEY), and the
// bundle's relayKeys rules.
#include <catch2/catch.hpp>

#include "protocol/bundle.h"
#include "protocol/relay_endpoint.h"
#include "support/centre.h"

using namespace gongyou;
using protocol::RelayEndpoint;

TEST_CASE("relay endpoint: addresses for TCP and WebSocket are accepted and anything else refused") {
  for (const char* ok : {"relay.example.org:7455", "127.0.0.1:0", "[::1]:7455", "abc.onion:7455",
                         "wss://relay.example.org/gongyou", "wss://relay.example.org:8443/a/b", "ws://127.0.0.1:9000/g"})
    CHECK(protocol::validRelayAddress(ok));
  for (const char* bad : {"", "relay.example.org", "relay:", ":7455", "relay:70000", "relay:12a", "wss://relay.example.org",
                          "https://relay.example.org/x", "wss:///x", "wss://host/x?y", "wss://host/x#k", "relay with space:1",
                          "host/path:1", "relay.example.org:7455\x1b"})
    CHECK_FALSE(protocol::validRelayAddress(bad));
}

TEST_CASE("relay endpoint: ADDRESS=KEY round-trips and a bad key or address is named") {
  auto key = crypto::SigningKey::generate().publicKey();
  const std::string text = protocol::encodeRelayKey(key);
  CHECK(text.rfind("gongyou-relay1", 0) == 0);
  CHECK(protocol::decodeRelayKey(text) == key);
  for (const std::string address : {"relay.example.org:7455", "wss://relay.example.org/gongyou"}) {
    auto e = RelayEndpoint::parse(address + "=" + text);
    CHECK(e.address == address);
    CHECK(e.key == key);
    CHECK(RelayEndpoint::parse(e.text()) == e);
  }
  CHECK_FALSE(RelayEndpoint::parse("relay.example.org:7455").key);
  CHECK_THROWS_WITH(RelayEndpoint::parse("relay.example.org:7455=age1qqq"), Catch::Contains("not a gongyou-relay1"));
  CHECK_THROWS_WITH(RelayEndpoint::parse("relay.example.org=" + text), Catch::Contains("HOST:PORT"));
  std::string typo = text;
  typo[20] = typo[20] == 'q' ? 'p' : 'q';
  CHECK_THROWS(RelayEndpoint::parse("relay.example.org:7455=" + typo));  // Bech32 catches it
}

TEST_CASE("relay endpoint: a bundle lists relays with their keys and refuses a mismatched list") {
  test::Centre c;
  c.relays = {{"relay.example.org:7455", crypto::SigningKey::generate().publicKey()},
              {"wss://relay.example.org/gongyou", crypto::SigningKey::generate().publicKey()}};
  auto file = protocol::BundleFile::open(c.bundleFile());
  CHECK(protocol::checkBundleFields(file->bundle()).empty());
  CHECK(protocol::bundleRelays(file->bundle()) == c.relays);

  // A bundle from before relayKeys: its relays read back without keys.
  capnp::MallocMessageBuilder mb;
  auto b = mb.initRoot<proto::KeyBundle>();
  c.fill(b);
  b.disownRelayKeys();
  CHECK(protocol::checkBundleFields(b.asReader()).empty());
  for (const auto& e : protocol::bundleRelays(b.asReader())) CHECK_FALSE(e.key);
  // One key for two relays, or a key of the wrong size: malformed.
  b.initRelayKeys(1).set(0, kj::arrayPtr(c.identity.publicKey().data(), 32));
  CHECK_THAT(protocol::checkBundleFields(b.asReader()), Catch::Contains("relayKeys"));
  auto keys = b.initRelayKeys(2);
  keys.set(0, kj::arrayPtr(c.identity.publicKey().data(), 32));
  keys.set(1, kj::arrayPtr(c.identity.publicKey().data(), 31));
  CHECK_THAT(protocol::checkBundleFields(b.asReader()), Catch::Contains("32 bytes"));
  b.getRelays().set(0, "not an address");
  CHECK_THAT(protocol::checkBundleFields(b.asReader()), Catch::Contains("relays"));
}
