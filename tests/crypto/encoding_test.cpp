// base64 (strict, canonical) and Bech32 as age uses them.
#include <catch2/catch.hpp>

#include "crypto/base64.h"
#include "crypto/bech32.h"
#include "crypto/secret.h"
#include "crypto/x25519.h"

#include <sodium.h>

#include <algorithm>
#include <cstring>
#include <fstream>
#include "hex.h"

using namespace gongyou;

TEST_CASE("raw base64: round trip and strict refusals", "[encoding]") {
  for (std::size_t n = 0; n < 70; ++n) {
    Bytes b(n);
    for (std::size_t i = 0; i < n; ++i) b[i] = static_cast<std::uint8_t>(i * 37 + 1);
    auto e = b64::encodeRaw(b);
    CHECK(e.find('=') == std::string::npos);
    auto d = b64::decodeRaw(e);
    REQUIRE(d);
    CHECK(*d == b);
  }
  CHECK(b64::decodeRaw("YQ"));         // "a"
  CHECK_FALSE(b64::decodeRaw("YR"));   // same byte, non-zero trailing bits: not canonical
  CHECK_FALSE(b64::decodeRaw("YQ=="));  // padding is not allowed in headers
  CHECK_FALSE(b64::decodeRaw("Y Q"));
  CHECK_FALSE(b64::decodeRaw("YQ\n"));
  CHECK_FALSE(b64::decodeRaw("YQ\r"));
  CHECK_FALSE(b64::decodeRaw("Y"));  // impossible length
  CHECK_FALSE(b64::decodeRaw("YQ-_"));  // URL-safe alphabet is not age's
}

TEST_CASE("base64: bytes >= 0x80 are refused (libsodium 1.0.18 accepts them)", "[encoding]") {
  for (int c = 0x80; c < 0x100; ++c) {
    std::string s = "YWJj";
    s[1] = static_cast<char>(c);
    INFO("byte " << c);
    CHECK_FALSE(b64::decodePadded(s));
    CHECK_FALSE(b64::decodeRaw(s));
  }
}

TEST_CASE("padded base64: padding required and canonical", "[encoding]") {
  CHECK(b64::encodePadded("a") == "YQ==");
  CHECK(b64::decodePadded("YQ=="));
  CHECK_FALSE(b64::decodePadded("YQ"));
  CHECK_FALSE(b64::decodePadded("YR=="));
  CHECK_FALSE(b64::decodePadded("YQ=\n="));
  CHECK_FALSE(b64::decodePadded("YQ==YQ=="));  // padding only at the very end
}

TEST_CASE("bech32: BIP 173 valid strings checksum and case rules", "[encoding]") {
  // Valid test vectors from BIP 173.
  CHECK(bech32::decode("A12UEL5L"));
  CHECK(bech32::decode("a12uel5l"));
  CHECK(bech32::decode("abcdef1qpzry9x8gf2tvdw0s3jn54khce6mua7lmqqqxw"));
  CHECK(bech32::decode("split1checkupstagehandshakeupstreamerranterredcaperred2y9e3w"));
  // Invalid ones: mixed case, bad checksum, no separator, empty HRP.
  CHECK_FALSE(bech32::decode("A12uEL5L"));
  CHECK_FALSE(bech32::decode("a12uel5m"));
  CHECK_FALSE(bech32::decode("pzry9x0s0muk"));
  CHECK_FALSE(bech32::decode("1pzry9x0s0muk"));
  CHECK_FALSE(bech32::decode("x1b4n0q5v"));  // 'b' is not in the charset

  Bytes key(32);
  for (int i = 0; i < 32; ++i) key[i] = static_cast<std::uint8_t>(255 - i);
  auto s = bech32::encode("age", key);
  CHECK(s.rfind("age1", 0) == 0);
  CHECK(s.size() == 62);  // age recipients are always 62 characters
  auto d = bech32::decode(s);
  REQUIRE(d);
  CHECK(d->hrp == "age");
  CHECK(d->data == key);
  // Any single-character typo is caught by the checksum.
  for (std::size_t i = 4; i < s.size(); ++i) {
    std::string t = s;
    t[i] = t[i] == 'q' ? 'p' : 'q';
    CHECK_FALSE(bech32::decode(t));
  }
}

namespace {
// Whether `needle` occurs anywhere in this process's main heap (malloc's arena:
// where freed buffers of a single-threaded parse end up).
bool inHeap(ByteView needle) {
  std::ifstream maps("/proc/self/maps");
  for (std::string line; std::getline(maps, line);) {
    if (line.find("[heap]") == std::string::npos) continue;
    const auto dash = line.find('-');
    const auto from = std::stoull(line.substr(0, dash), nullptr, 16);
    const auto to = std::stoull(line.substr(dash + 1, line.find(' ') - dash - 1), nullptr, 16);
    const auto* p = reinterpret_cast<const std::uint8_t*>(from);
    const auto* end = reinterpret_cast<const std::uint8_t*>(to);
    return std::search(p, end, needle.begin(), needle.end()) != end;
  }
  return false;
}
}  // namespace

TEST_CASE("bech32: decoding and encoding a secret key leave none of it in freed heap", "[encoding]") {
  // The key text and every pattern looked for live in guarded memory, outside the heap.
  auto id = age::X25519Identity::generate();
  SecretBytes text = id.encode();  // AGE-SECRET-KEY-1…
  SecretBytes lower(text.view());
  for (std::size_t i = 0; i < lower.size(); ++i)
    if (lower.data()[i] >= 'A' && lower.data()[i] <= 'Z') lower.data()[i] = static_cast<std::uint8_t>(lower.data()[i] + 32);
  const std::size_t sep = 15;  // "age-secret-key-1"
  SecretBytes values(16);      // the first 5-bit groups of the key, as decode holds them
  static const char kCharset[] = "qpzry9x8gf2tvdw0s3jn54khce6mua7l";
  for (std::size_t i = 0; i < values.size(); ++i)
    values.data()[i] = static_cast<std::uint8_t>(std::strchr(kCharset, lower.data()[sep + 1 + i]) - kCharset);
  SecretBytes key(16);
  {
    auto d = bech32::decode(std::string_view(reinterpret_cast<const char*>(text.data()), text.size()));
    REQUIRE(d);
    std::memcpy(key.data(), d->data.data(), key.size());
    sodium_memzero(d->data.data(), d->data.size());  // the caller's part of the bargain
  }
  for (int i = 0; i < 3; ++i) {
    auto again = age::X25519Identity::parse(std::string_view(reinterpret_cast<const char*>(text.data()), text.size()));
    REQUIRE(again);
    SecretBytes round = again->encode();
    CHECK(sodium_memcmp(round.data(), text.data(), text.size()) == 0);
  }
  CHECK_FALSE(inHeap(lower.view().sub(sep + 1, 24)));  // the text's data part
  CHECK_FALSE(inHeap(values.view()));
  CHECK_FALSE(inHeap(key.view()));
}
