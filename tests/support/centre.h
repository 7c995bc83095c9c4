// A worker centre for tests: identity, courier and analyst keys, and its signed
// key bundle (what `gongyou-analyst bundle` will produce).
#pragma once

#include <capnp/message.h>

#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "crypto/sign.h"
#include "crypto/x25519.h"
#include "protocol/bundle.h"
#include "protocol/day.h"

namespace gongyou::test {

inline constexpr char kDeadRelay[] = "127.0.0.1:1";

struct Centre {
  std::string id = "test-centre";
  crypto::SigningKey identity = crypto::SigningKey::generate();
  crypto::SigningKey courier = crypto::SigningKey::generate();
  age::X25519Identity analyst = age::X25519Identity::generate();
  std::uint64_t version = 1;
  std::uint8_t difficulty = 8;
  std::uint32_t issuedDay = protocol::today() - 1;
  std::uint32_t expiresDay = protocol::today() + 90;
  // A relay that is never there (port 1: nothing listens), with a key no relay
  // holds: clients try the bundle's relays first, so every test also exercises
  // failover. Tests whose reporters must get receipts they believe list their
  // real relay (address and key) here too.
  std::vector<protocol::RelayEndpoint> relays{{kDeadRelay, crypto::SigningKey::generate().publicKey()}};

  // Fills a KeyBundle from the fields above; `signer` defaults to the identity.
  void fill(proto::KeyBundle::Builder b) const {
    b.setCentreId(id);
    auto names = b.initDisplayNames(2);
    names[0].setLanguage("en"), names[0].setText("Test Workers' Centre");
    names[1].setLanguage("zh-Hans"), names[1].setText("测试工人中心");
    b.setIdentityKey(kj::arrayPtr(identity.publicKey().data(), 32));
    auto r = b.initRecipients(1);
    auto pub = analyst.recipient().publicKey();
    r[0].setX25519(kj::arrayPtr(pub.data(), pub.size()));
    r[0].setValidFromDay(issuedDay);
    r[0].setValidUntilDay(expiresDay);
    b.setCourierKey(kj::arrayPtr(courier.publicKey().data(), 32));
    protocol::setBundleRelays(b, relays);
    b.initPow().setDifficulty(difficulty);
    b.setVersion(version);
    b.setIssuedDay(issuedDay);
    b.setExpiresDay(expiresDay);
  }

  // The framed SignedBundle file bytes.
  Bytes bundleFile() const { return bundleFileSignedBy(identity); }
  Bytes bundleFileSignedBy(const crypto::SigningKey& signer) const {
    capnp::MallocMessageBuilder kb;
    auto b = kb.initRoot<proto::KeyBundle>();
    fill(b);
    capnp::MallocMessageBuilder sb;
    auto s = sb.initRoot<proto::SignedBundle>();
    Bytes canon = protocol::canonicalBytes(b.asReader());
    auto sig = signer.sign(protocol::kBundleLabel, canon);
    s.setBundle(kj::arrayPtr(canon.data(), canon.size()));
    s.setSignature(kj::arrayPtr(sig.data(), sig.size()));
    return protocol::serializeSignedBundle(s.asReader());
  }

  std::string writeBundle(const std::string& path) const {
    Bytes f = bundleFile();
    std::ofstream(path, std::ios::binary).write(reinterpret_cast<const char*>(f.data()),
                                                static_cast<std::streamsize>(f.size()));
    return path;
  }
};

}  // namespace gongyou::test
