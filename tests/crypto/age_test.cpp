// The age format end to end, in process: recipients, identities, tampering.
#include <catch2/catch.hpp>

#include "crypto/age.h"
#include "crypto/scrypt.h"
#include "crypto/x25519.h"

using namespace gongyou;

namespace {

age::Status decryptAll(const Bytes& file, const std::vector<const age::Identity*>& ids, Bytes& out) {
  io::MemorySource src(file);
  io::VectorSink sink;
  auto st = age::decrypt(src, ids, sink);
  out = std::move(sink.out);
  return st;
}

Bytes sample(std::size_t n) {
  Bytes b(n);
  for (std::size_t i = 0; i < n; ++i) b[i] = static_cast<std::uint8_t>('a' + i % 26);
  return b;
}

}  // namespace

TEST_CASE("age: several recipients each identity opens the file alone", "[age]") {
  auto a = age::X25519Identity::generate(), b = age::X25519Identity::generate(),
       c = age::X25519Identity::generate();
  auto ra = a.recipient(), rb = b.recipient(), rc = c.recipient();
  auto pt = sample(200000);
  for (bool armor : {false, true}) {
    auto file = age::encrypt({&ra, &rb, &rc}, pt, armor);
    for (const age::Identity* id : {static_cast<const age::Identity*>(&a), static_cast<const age::Identity*>(&b),
                                    static_cast<const age::Identity*>(&c)}) {
      Bytes out;
      CHECK(decryptAll(file, {id}, out) == age::Status::Ok);
      CHECK(out == pt);
    }
    auto stranger = age::X25519Identity::generate();
    Bytes out;
    CHECK(decryptAll(file, {&stranger}, out) == age::Status::NoMatch);
    CHECK(out.empty());
    CHECK(decryptAll(file, {&stranger, &c}, out) == age::Status::Ok);
  }
}

TEST_CASE("age: scrypt passphrase files and scrypt must stand alone", "[age]") {
  age::ScryptRecipient r(SecretBytes(ByteView("correct horse")), 10);
  auto file = age::encrypt({&r}, "keyring");
  Bytes out;
  age::ScryptIdentity good(SecretBytes(ByteView("correct horse")));
  age::ScryptIdentity bad(SecretBytes(ByteView("correct horse!")));
  CHECK(decryptAll(file, {&bad}, out) == age::Status::NoMatch);
  CHECK(decryptAll(file, {&good}, out) == age::Status::Ok);
  CHECK(std::string(out.begin(), out.end()) == "keyring");
  // A lower ceiling than the file's work factor refuses before doing the work.
  age::ScryptIdentity stingy(SecretBytes(ByteView("correct horse")), 9);
  CHECK(decryptAll(file, {&stingy}, out) == age::Status::HeaderFailure);

  auto x = age::X25519Identity::generate();
  auto rx = x.recipient();
  CHECK_THROWS_AS(age::encrypt({&r, &rx}, "x"), std::invalid_argument);
  CHECK_THROWS_AS(age::encrypt({}, "x"), std::invalid_argument);
}

TEST_CASE("age: flipping any single byte of a file we wrote makes decryption fail", "[age][tamper]") {
  auto id = age::X25519Identity::generate();
  auto id2 = age::X25519Identity::generate();
  auto r = id.recipient(), r2 = id2.recipient();
  auto pt = sample(300);
  for (bool armor : {false, true}) {
    auto file = age::encrypt({&r, &r2}, pt, armor);
    Bytes out;
    REQUIRE(decryptAll(file, {&id}, out) == age::Status::Ok);
    std::size_t failures = 0;
    for (std::size_t i = 0; i < file.size(); ++i) {
      for (std::uint8_t mask : {0x01, 0x80}) {
        Bytes bad = file;
        bad[i] ^= mask;
        auto st = decryptAll(bad, {&id}, out);
        INFO("armor=" << armor << " byte " << i << " mask " << int(mask));
        CHECK(st != age::Status::Ok);
        failures += st != age::Status::Ok;
      }
    }
    CHECK(failures == 2 * file.size());
  }
}

TEST_CASE("age: identities encode and parse - identity files as age-keygen writes them", "[age]") {
  auto id = age::X25519Identity::generate();
  auto text = id.encode();
  std::string s(text.view().str());
  CHECK(s.rfind("AGE-SECRET-KEY-1", 0) == 0);
  auto back = age::X25519Identity::parse(s);
  REQUIRE(back);
  CHECK(back->recipient().encode() == id.recipient().encode());
  CHECK(age::X25519Recipient::parse(id.recipient().encode()));
  CHECK_FALSE(age::X25519Recipient::parse(s));          // an identity is not a recipient
  CHECK_FALSE(age::X25519Identity::parse(id.recipient().encode()));

  std::string file = "# created: 2026-11-24T00:00:00Z\n# public key: " + id.recipient().encode() +
                     "\n" + s + "\n\n";
  auto parsed = age::parseIdentities(file);
  CHECK(parsed.status == age::KeyParse::Ok);
  CHECK(parsed.identities.size() == 1);

  auto pq = age::parseIdentities(
      "AGE-SECRET-KEY-PQ-1HZLGZUPT4ETPKDEV8HSGFDCYZ4E522W0A7PU2LHT8EH9W6YLNC3SW78XKG\n");
  CHECK(pq.status == age::KeyParse::Unsupported);
  CHECK(pq.line == 1);
  auto junk = age::parseIdentities(s + "\nnot a key\n");
  CHECK(junk.status == age::KeyParse::Malformed);
  CHECK(junk.line == 2);
  CHECK(junk.identities.size() == 1);
}

TEST_CASE("age: the decryptor releases plaintext chunk by chunk", "[age]") {
  auto id = age::X25519Identity::generate();
  auto r = id.recipient();
  auto pt = sample(5 * 65536 + 3);
  auto file = age::encrypt({&r}, pt);
  io::MemorySource src(file);
  age::Decryptor d(src);
  REQUIRE(d.open({&id}) == age::Status::Ok);
  std::size_t chunks = 0, total = 0;
  for (;;) {
    ByteView chunk;
    bool done = false;
    REQUIRE(d.next(chunk, done) == age::Status::Ok);
    CHECK(chunk.size() <= 65536);
    total += chunk.size();
    ++chunks;
    if (done) break;
  }
  CHECK(chunks == 6);
  CHECK(total == pt.size());
}
