#include <catch2/catch.hpp>

#include <capnp/serialize.h>

#include "protocol/bundle.h"
#include "support/centre.h"

using namespace gongyou;
using protocol::BundleStatus;

namespace {

struct Parsed {
  kj::Array<capnp::word> words;
  std::unique_ptr<capnp::MessageReader> msg;
  explicit Parsed(const Bytes& file) { msg = protocol::readSignedBundle(file, words); }
  proto::SignedBundle::Reader get() { return msg->getRoot<proto::SignedBundle>(); }
};

BundleStatus check(const Bytes& file, const protocol::BundleRules& rules) {
  Parsed p(file);
  return protocol::verifyBundle(p.get(), rules).status;
}

protocol::BundleRules rulesToday() {
  protocol::BundleRules r;
  r.today = protocol::today();
  return r;
}

}  // namespace

TEST_CASE("bundle: a signed bundle verifies and reads back") {
  test::Centre c;
  Parsed p(c.bundleFile());
  auto res = protocol::verifyBundle(p.get(), rulesToday());
  REQUIRE(res.status == BundleStatus::Ok);
  auto b = res.bundle->root();
  CHECK(b.getCentreId() == "test-centre");
  CHECK(b.getVersion() == 1);
  CHECK(b.getPow().getDifficulty() == 8);
  CHECK(b.getDisplayNames()[1].getText() == "测试工人中心");
}

TEST_CASE("bundle: canonical bytes do not depend on build order") {
  test::Centre c;
  capnp::MallocMessageBuilder a, b;
  c.fill(a.initRoot<proto::KeyBundle>());
  auto rb = b.initRoot<proto::KeyBundle>();
  rb.setVersion(99);
  rb.initRelays(5);  // garbage later replaced
  c.fill(rb);
  CHECK(protocol::canonicalBytes(a.getRoot<proto::KeyBundle>().asReader()) ==
        protocol::canonicalBytes(rb.asReader()));
}

TEST_CASE("bundle: pinning rules refuse bad signature and wrong identity and expiry and rollback") {
  test::Centre c;
  auto r = rulesToday();

  SECTION("signed by another key") {
    auto other = crypto::SigningKey::generate();
    CHECK(check(c.bundleFileSignedBy(other), r) == BundleStatus::BadSignature);
  }
  SECTION("a flipped byte anywhere in the signed bundle") {
    Parsed p(c.bundleFile());
    auto bytes = p.get().getBundle();
    for (std::size_t i = 0; i < bytes.size(); i += 13) {
      capnp::MallocMessageBuilder mb;
      auto s = mb.initRoot<proto::SignedBundle>();
      s.setBundle(bytes);
      s.setSignature(p.get().getSignature());
      s.getBundle()[i] ^= 0x01;
      auto st = protocol::verifyBundle(s.asReader(), r).status;
      CHECK((st == BundleStatus::BadSignature || st == BundleStatus::Malformed));
    }
  }
  SECTION("identity differs from the pinned one") {
    auto pinned = crypto::SigningKey::generate();
    r.pinnedIdentity = ByteView(pinned.publicKey().data(), 32);
    CHECK(check(c.bundleFile(), r) == BundleStatus::WrongIdentity);
    r.pinnedIdentity = ByteView(c.identity.publicKey().data(), 32);
    CHECK(check(c.bundleFile(), r) == BundleStatus::Ok);
  }
  SECTION("expired, and not yet valid") {
    c.issuedDay = r.today - 30;
    c.expiresDay = r.today - 1;
    CHECK(check(c.bundleFile(), r) == BundleStatus::Expired);
    c.issuedDay = r.today + 1;
    c.expiresDay = r.today + 30;
    CHECK(check(c.bundleFile(), r) == BundleStatus::NotYetValid);
  }
  SECTION("rollback: same or lower version than seen") {
    c.version = 5;
    r.seenVersion = 5;
    CHECK(check(c.bundleFile(), r) == BundleStatus::Rollback);
    r.seenVersion = 6;
    CHECK(check(c.bundleFile(), r) == BundleStatus::Rollback);
    r.seenVersion = 4;
    CHECK(check(c.bundleFile(), r) == BundleStatus::Ok);
  }
}

TEST_CASE("bundle: field rules name the field") {
  test::Centre c;
  capnp::MallocMessageBuilder mb;
  auto b = mb.initRoot<proto::KeyBundle>();
  c.fill(b);
  CHECK(protocol::checkBundleFields(b.asReader()).empty());
  b.setCentreId("Bad Id");
  CHECK(protocol::checkBundleFields(b.asReader()).rfind("centreId", 0) == 0);
  c.fill(b);
  b.setCourierKey(kj::arrayPtr(c.courier.publicKey().data(), 31));
  CHECK(protocol::checkBundleFields(b.asReader()).rfind("courierKey", 0) == 0);
  c.fill(b);
  b.initRecipients(0);
  CHECK(protocol::checkBundleFields(b.asReader()).rfind("recipients", 0) == 0);
  c.fill(b);
  b.getPow().setDifficulty(format::kPowMaxDifficulty + 1);
  CHECK(protocol::checkBundleFields(b.asReader()).rfind("pow.difficulty", 0) == 0);

  CHECK(protocol::validCentreId("shenzhen-workers-2"));
  CHECK_FALSE(protocol::validCentreId("-lead"));
  CHECK_FALSE(protocol::validCentreId("trail-"));
  CHECK_FALSE(protocol::validCentreId(""));
  CHECK_FALSE(protocol::validCentreId(std::string(65, 'a')));
  CHECK_FALSE(protocol::validCentreId("工友"));
}

TEST_CASE("bundle: a non-canonical encoding of a correctly signed meaning is refused") {
  test::Centre c;
  capnp::MallocMessageBuilder kb;
  c.fill(kb.initRoot<proto::KeyBundle>());
  // A flat (framed) message is a valid encoding but not the canonical one.
  auto flat = capnp::messageToFlatArray(kb);
  Bytes bytes(flat.asBytes().begin(), flat.asBytes().end());
  auto sig = c.identity.sign(protocol::kBundleLabel, bytes);
  capnp::MallocMessageBuilder sb;
  auto s = sb.initRoot<proto::SignedBundle>();
  s.setBundle(kj::arrayPtr(bytes.data(), bytes.size()));
  s.setSignature(kj::arrayPtr(sig.data(), sig.size()));
  CHECK(protocol::verifyBundle(s.asReader(), rulesToday()).status == BundleStatus::Malformed);
}

TEST_CASE("bundle: files that are not a SignedBundle are refused with a message") {
  kj::Array<capnp::word> w;
  CHECK_THROWS_WITH(protocol::readSignedBundle(Bytes{1, 2, 3}, w), Catch::Contains("not a Cap'n Proto message"));
  CHECK_THROWS_WITH(protocol::readSignedBundle(Bytes(16, 0xff), w), Catch::Contains("not a valid"));
  CHECK_THROWS_WITH(protocol::readSignedBundle(Bytes(1 << 20, 0), w), Catch::Contains("too large"));
}

// Found by the bundle fuzzer (tests/fuzz/regressions/bundle): a SignedBundle
// whose `bundle` pointer is a list of words, not Data. Reading it threw out of
// verifyBundle, which promises a status; a client enrolling through a hostile
// relay would have died on it.
TEST_CASE("bundle: a pointer of the wrong type is Malformed and does not throw") {
  capnp::MallocMessageBuilder mb;
  auto s = mb.initRoot<proto::SignedBundle>();
  capnp::AnyStruct::Builder any = capnp::toAny(s);
  auto words = any.getPointerSection()[0].initAs<capnp::List<std::uint64_t>>(4);
  words.set(0, 42);
  auto file = protocol::serializeSignedBundle(s.asReader());
  protocol::BundleCheck c;
  REQUIRE_NOTHROW(c = protocol::verifyBundle(Parsed(file).get(), rulesToday()));
  CHECK(c.status == BundleStatus::Malformed);
  CHECK(c.detail == "signed bundle: unreadable");
}

TEST_CASE("bundle: a pinned bundle can be read whole any number of times in one run") {
  // One run of the reporter reads the pinned bundle for every report it seals;
  // a traversal budget kept from the first reading ran out after ~1,500.
  test::Centre c;
  auto file = protocol::BundleFile::open(c.bundleFile());
  std::size_t words = 0;
  for (int i = 0; i < 100000; ++i) {
    words += file->bundle().totalSize().wordCount;
    words += file->signedBundle().getBundle().size() > 0;
  }
  CHECK(words > 100000);
}
