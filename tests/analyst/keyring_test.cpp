#include <catch2/catch.hpp>

#include <sys/stat.h>

#include <fstream>

#include "analyst/centre_material.h"
#include "analyst/keyring.h"
#include "analyst/passphrase.h"
#include "crypto/age.h"
#include "protocol/bundle.h"
#include "protocol/day.h"
#include "storage/file.h"
#include "support/process.h"
#include "support/pty.h"
#include "support/tempdir.h"

using namespace gongyou;
using analyst::Keyring;

namespace {

constexpr int kFastScrypt = 10;  // tests only; the tool's default is age's 18

Keyring sample() {
  auto k = Keyring::create("shenzhen-workers",
                           {{"relay.example.org:7455", crypto::SigningKey::generate().publicKey()},
                            {"wss://relay.example.org/gongyou", crypto::SigningKey::generate().publicKey()}},
                           protocol::today(), 365);
  k.names = {{"zh-Hans", "深圳工人服务中心"}, {"en", "Shenzhen Workers' Centre"}};
  k.powDifficulty = 20;
  return k;
}

SecretBytes pass(const char* p) { return SecretBytes(ByteView(p)); }

}  // namespace

TEST_CASE("keyring: seal and open with the passphrase give back every key") {
  Keyring k = sample();
  Bytes file = k.seal(pass("correct horse"), kFastScrypt);
  CHECK(std::string(file.begin(), file.begin() + 34) == "-----BEGIN AGE ENCRYPTED FILE-----");
  auto [st, back] = Keyring::open(file, pass("correct horse"));
  REQUIRE(st == age::Status::Ok);
  CHECK(back->centreId == k.centreId);
  CHECK(back->names == k.names);
  CHECK(back->identity.publicKey() == k.identity.publicKey());
  CHECK(back->courier.publicKey() == k.courier.publicKey());
  REQUIRE(back->analysts.size() == 1);
  CHECK(back->analysts[0].key.recipient().publicKey() == k.analysts[0].key.recipient().publicKey());
  CHECK(back->analysts[0].untilDay == k.analysts[0].untilDay);
  CHECK(back->relays == k.relays);
  CHECK(back->powDifficulty == 20);

  CHECK(Keyring::open(file, pass("wrong horse")).first == age::Status::NoMatch);
  Bytes tampered = file;
  tampered[200] = tampered[200] == 'A' ? 'B' : 'A';
  CHECK(Keyring::open(tampered, pass("correct horse")).first != age::Status::Ok);
}

TEST_CASE("keyring: a damaged plaintext is refused with the line named") {
  Keyring k = sample();
  auto text = k.text();
  std::string t(text.view().str());
  CHECK_NOTHROW(Keyring::parse(ByteView(t)));
  CHECK_THROWS_WITH(Keyring::parse(ByteView(t + "bogus: 1\n")), Catch::Contains("unknown entry"));
  std::string noIdentity = t.substr(0, t.find("identity:")) + t.substr(t.find('\n', t.find("identity:")) + 1);
  CHECK_THROWS_WITH(Keyring::parse(ByteView(noIdentity)), Catch::Contains("missing"));
  std::string badKey = t;
  badKey[badKey.find("AGE-SECRET-KEY-1") + 20] ^= 1;
  CHECK_THROWS_WITH(Keyring::parse(ByteView(badKey)), Catch::Contains("not a valid AGE-SECRET-KEY"));
}

TEST_CASE("keyring: the reference age tool recovers the keys with the passphrase") {
  test::TempDir dir;
  Keyring k = sample();
  storage::writeFileAtomic(dir / "keyring.age", k.seal(pass("correct horse"), kFastScrypt));
  // A report to the analyst key, for the recovered key to open.
  auto r = k.analysts[0].key.recipient();
  storage::writeFileAtomic(dir / "report.age", age::encrypt({&r}, "a report"));
  {
    // age reads passphrases only from a terminal.
    test::Pty t({"/usr/bin/age", "-d", "-o", dir / "keyring.txt", dir / "keyring.age"});
    REQUIRE(t.expect("passphrase"));
    t.type("correct horse");
    CHECK(t.wait() == 0);
  }
  std::string text = test::run({"/bin/cat", dir / "keyring.txt"}).second;
  CHECK_THAT(text, Catch::Contains("centre: shenzhen-workers"));
  CHECK_THAT(text, Catch::Contains("AGE-SECRET-KEY-1"));
  // The keyring text itself works as an age identity file? No: it has other
  // lines. Its AGE-SECRET-KEY line does.
  std::string keyLine = text.substr(text.find("AGE-SECRET-KEY-1"));
  keyLine = keyLine.substr(0, keyLine.find('\n'));
  storage::writeFileAtomic(dir / "key.txt", keyLine + "\n");
  auto opened = test::run({"/usr/bin/age", "-d", "-i", dir / "key.txt", dir / "report.age"});
  CHECK(opened.first == 0);
  CHECK(opened.second == "a report");
}

TEST_CASE("centre material: bundles carry live keys and rising versions") {
  Keyring k = sample();
  const std::uint32_t today = protocol::today();
  auto verify = [&](const Bytes& file) {
    kj::Array<capnp::word> w;
    auto msg = protocol::readSignedBundle(file, w);
    protocol::BundleRules rules;
    rules.today = today;
    rules.pinnedIdentity = ByteView(k.identity.publicKey().data(), 32);
    auto c = protocol::verifyBundle(msg->getRoot<proto::SignedBundle>(), rules);
    REQUIRE(c.status == protocol::BundleStatus::Ok);
    return std::make_tuple(c.bundle->root().getVersion(), c.bundle->root().getRecipients().size(),
                           unsigned(c.bundle->root().getPow().getDifficulty()));
  };
  CHECK(verify(analyst::makeBundle(k, today, 180)) == std::make_tuple(std::uint64_t{1}, 1u, 20u));
  // A second key; the first one ended yesterday: it leaves the bundle.
  k.analysts.push_back({age::X25519Identity::generate(), today, today + 30});
  k.analysts[0].untilDay = today - 1;
  CHECK(verify(analyst::makeBundle(k, today, 180)) == std::make_tuple(std::uint64_t{2}, 1u, 20u));
  CHECK(k.bundleVersion == 2);
  // The bundle lists each relay with its key, in order.
  auto signedIn = protocol::BundleFile::open(analyst::makeBundle(k, today, 180));
  CHECK(protocol::bundleRelays(signedIn->bundle()) == k.relays);
  // A relay without a key is never signed in: no receipt of its would verify.
  k.relays.push_back({"relay-c.example.org:7455"});
  CHECK_THROWS_WITH(analyst::makeBundle(k, today, 180), Catch::Contains("relay relay-c.example.org:7455 has no key"));
  k.relays.pop_back();
  k.analysts[1].fromDay = today + 1;  // nothing valid today
  CHECK_THROWS_WITH(analyst::makeBundle(k, today, 180), Catch::Contains("no analyst key is valid today"));
}

TEST_CASE("centre material: the centre code QR is a standalone SVG and a terminal drawing") {
  Keyring k = sample();
  std::string code = protocol::encodeCentreCode(analyst::centreCodeOf(k));
  std::string svg = analyst::qrSvg(code);
  CHECK(svg.rfind("<svg xmlns=\"http://www.w3.org/2000/svg\"", 0) == 0);
  CHECK(svg.find("http://www.w3.org/2000/svg") == svg.rfind("http"));  // no other URL: nothing to fetch
  std::string term = analyst::qrTerminal(code);
  CHECK(std::count(term.begin(), term.end(), '\n') > 20);
  CHECK(protocol::decodeCentreCode(code)->identity == k.identity.publicKey());
}

TEST_CASE("passphrase file: the first line, read into guarded memory, and an empty one refused") {
  test::TempDir t;
  storage::writeFileAtomic(t / "p", "correct horse\r\nsecond line\n");
  CHECK(analyst::readPassphrase(t / "p", "", false).view().str() == "correct horse");
  storage::writeFileAtomic(t / "e", "\n");
  CHECK_THROWS_WITH(analyst::readPassphrase(t / "e", "", false), Catch::Contains("empty"));
  CHECK_THROWS_WITH(analyst::readPassphrase(t / "missing", "", false), Catch::Contains("cannot read the passphrase file"));
}
