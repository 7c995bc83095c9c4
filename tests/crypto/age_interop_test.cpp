// Interoperability with the reference implementation: Debian's `age` and
// `age-keygen` binaries (installed by scripts/setup). Every direction is tested:
// files we write open with `age -d`, files `age` writes open with ours, keys from
// `age-keygen` load in ours, binary and armored, one and several recipients, and
// scrypt passphrase files (driven through a pty with script(1), since age reads
// passphrases only from a terminal).
#include <catch2/catch.hpp>

#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>

#include "crypto/age.h"
#include "crypto/scrypt.h"
#include "crypto/x25519.h"
#include "support/tempdir.h"
#include "testkit.h"

using namespace gongyou;
using test::TempDir;

namespace {

// Runs a shell command; returns its exit status (-1 if it did not exit normally).
int sh(const std::string& cmd) {
  int st = std::system(cmd.c_str());
  return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

void writeFile(const std::string& path, ByteView data) {
  std::ofstream f(path, std::ios::binary);
  f.write(reinterpret_cast<const char*>(data.data()), static_cast<std::streamsize>(data.size()));
  REQUIRE(f.good());
}

std::string readText(const std::string& path) {
  auto b = test::readFile(path);
  return std::string(b.begin(), b.end());
}

Bytes sample(std::size_t n) {
  Bytes b(n);
  std::uint32_t x = 12345;
  for (auto& c : b) c = static_cast<std::uint8_t>((x = x * 1103515245 + 12345) >> 16);
  return b;
}

// Loads an identity file written by age-keygen.
std::unique_ptr<age::Identity> loadKey(const std::string& path) {
  auto parsed = age::parseIdentities(readText(path));
  REQUIRE(parsed.status == age::KeyParse::Ok);
  REQUIRE(parsed.identities.size() == 1);
  return std::move(parsed.identities[0]);
}

std::string publicKeyOf(const std::string& keyFile, const TempDir& dir) {
  REQUIRE(sh("age-keygen -y " + keyFile + " > " + dir / "pub") == 0);
  auto s = readText(dir / "pub");
  while (!s.empty() && s.back() == '\n') s.pop_back();
  return s;
}

age::Status ourDecrypt(const std::string& path, const std::vector<const age::Identity*>& ids, Bytes& out) {
  io::FileSource src(path);
  io::VectorSink sink;
  auto st = age::decrypt(src, ids, sink);
  out = std::move(sink.out);
  return st;
}

}  // namespace

TEST_CASE("interop: the age tools are installed", "[interop]") {
  REQUIRE(sh("age --version >/dev/null") == 0);
  REQUIRE(sh("age-keygen --version >/dev/null") == 0);
}

TEST_CASE("interop: age-keygen keys load in ours - our keys load in age-keygen", "[interop]") {
  TempDir dir;
  REQUIRE(sh("age-keygen -o " + dir / "k.txt 2>/dev/null") == 0);
  auto theirs = age::parseIdentities(readText(dir / "k.txt"));
  REQUIRE(theirs.status == age::KeyParse::Ok);
  auto* x = dynamic_cast<age::X25519Identity*>(theirs.identities.at(0).get());
  REQUIRE(x != nullptr);
  CHECK(x->recipient().encode() == publicKeyOf(dir / "k.txt", dir));

  auto ours = age::X25519Identity::generate();
  writeFile(dir / "ours.txt", ours.encode().view());
  CHECK(publicKeyOf(dir / "ours.txt", dir) == ours.recipient().encode());
}

TEST_CASE("interop: files we write open with `age -d`", "[interop]") {
  TempDir dir;
  REQUIRE(sh("age-keygen -o " + dir / "a.txt 2>/dev/null") == 0);
  REQUIRE(sh("age-keygen -o " + dir / "b.txt 2>/dev/null") == 0);
  auto ra = *age::X25519Recipient::parse(publicKeyOf(dir / "a.txt", dir));
  auto rb = *age::X25519Recipient::parse(publicKeyOf(dir / "b.txt", dir));
  auto rc = age::X25519Identity::generate().recipient();
  for (std::size_t n : {std::size_t{0}, std::size_t{4096}, std::size_t{3 * 65536 + 5}}) {
    for (bool armor : {false, true}) {
      auto pt = sample(n);
      writeFile(dir / "ct", age::encrypt({&ra, &rb, &rc}, pt, armor));
      for (const char* key : {"a.txt", "b.txt"}) {
        INFO("n=" << n << " armor=" << armor << " key=" << key);
        // Redirect, not -o: age creates -o files lazily, so empty output leaves none.
        REQUIRE(sh("age -d -i " + dir / key + " " + dir / "ct > " + dir / "pt") == 0);
        CHECK(test::readFile(dir / "pt") == pt);
      }
    }
  }
}

TEST_CASE("interop: files `age` writes open with ours", "[interop]") {
  TempDir dir;
  REQUIRE(sh("age-keygen -o " + dir / "a.txt 2>/dev/null") == 0);
  auto mine = age::X25519Identity::generate();
  auto theirs = loadKey(dir / "a.txt");
  std::string rcpts = "-r " + publicKeyOf(dir / "a.txt", dir) + " -r " + mine.recipient().encode() +
                      " -r " + age::X25519Identity::generate().recipient().encode();
  for (std::size_t n : {std::size_t{0}, std::size_t{4096}, std::size_t{65536}, std::size_t{3 * 65536 + 5}}) {
    for (bool armor : {false, true}) {
      auto pt = sample(n);
      writeFile(dir / "pt", pt);
      REQUIRE(sh("age " + std::string(armor ? "-a " : "") + rcpts + " -o " + dir / "ct " + dir / "pt") == 0);
      INFO("n=" << n << " armor=" << armor);
      Bytes out;
      CHECK(ourDecrypt(dir / "ct", {theirs.get()}, out) == age::Status::Ok);  // armor auto-detected
      CHECK(out == pt);
      CHECK(ourDecrypt(dir / "ct", {&mine}, out) == age::Status::Ok);
      CHECK(out == pt);
      auto stranger = age::X25519Identity::generate();
      CHECK(ourDecrypt(dir / "ct", {&stranger}, out) == age::Status::NoMatch);
    }
  }
}

TEST_CASE("interop: scrypt passphrase files both ways", "[interop]") {
  TempDir dir;
  const std::string pass = "worker centre keyring 2026";
  auto pt = sample(1000);
  writeFile(dir / "pt", pt);
  // age asks twice when encrypting and reads from the terminal, hence script(1).
  REQUIRE(sh("printf '%s\\n%s\\n' '" + pass + "' '" + pass + "' | script -qec \"age -p -o " +
             dir / "theirs.age " + dir / "pt\" /dev/null >/dev/null 2>&1") == 0);
  Bytes out;
  age::ScryptIdentity id{SecretBytes(ByteView(pass))};
  CHECK(ourDecrypt(dir / "theirs.age", {&id}, out) == age::Status::Ok);
  CHECK(out == pt);

  age::ScryptRecipient r(SecretBytes(ByteView(pass)), 14);
  writeFile(dir / "ours.age", age::encrypt({&r}, pt));
  REQUIRE(sh("printf '%s\\n' '" + pass + "' | script -qec \"age -d -o " + dir / "back " +
             dir / "ours.age\" /dev/null >/dev/null 2>&1") == 0);
  CHECK(test::readFile(dir / "back") == pt);
}
