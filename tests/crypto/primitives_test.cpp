// Known-answer tests for the primitives age is assembled from.
#include <catch2/catch.hpp>

#include "crypto/primitives.h"
#include "hex.h"

using namespace gongyou;
using test::hex;
using test::unhex;

TEST_CASE("HMAC-SHA256 matches RFC 4231 test cases 1 and 6 (long key)", "[primitives]") {
  auto m1 = crypto::hmacSha256(Bytes(20, 0x0b), "Hi There");
  CHECK(hex(ByteView(m1.data(), m1.size())) ==
        "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7");
  Bytes key(131, 0xaa);  // longer than the block: HMAC must hash it first
  auto m6 = crypto::hmacSha256(key, "Test Using Larger Than Block-Size Key - Hash Key First");
  CHECK(hex(ByteView(m6.data(), m6.size())) ==
        "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54");
}

TEST_CASE("HKDF-SHA256 matches RFC 5869 test cases 1 and 3 (empty salt)", "[primitives]") {
  Bytes ikm(22, 0x0b);
  std::uint8_t okm[42];
  crypto::hkdfSha256(ikm, unhex("000102030405060708090a0b0c"), unhex("f0f1f2f3f4f5f6f7f8f9"), okm,
                     sizeof okm);
  CHECK(hex(ByteView(okm, sizeof okm)) ==
        "3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865");
  crypto::hkdfSha256(ikm, ByteView(), ByteView(), okm, sizeof okm);
  CHECK(hex(ByteView(okm, sizeof okm)) ==
        "8da4e775a563c18f715f802a063c5a31b8a11f5c5ee1879ec3454e5f3c738d2d9d201395faa4b61a96c8");
  CHECK_THROWS_AS(crypto::hkdfSha256(ikm, ByteView(), ByteView(), okm, 255 * 32 + 1),
                  std::length_error);
}

TEST_CASE("ChaCha20-Poly1305 round trip - a flipped byte fails and leaves no plaintext",
          "[primitives]") {
  Secret<32> key;
  crypto::randomBytes(key.data(), key.size());
  crypto::AeadNonce nonce{};
  Bytes ct(5 + 16);
  crypto::aeadSeal(key, nonce, "hello", ct.data());
  std::uint8_t out[5];
  REQUIRE(crypto::aeadOpen(key, nonce, ct, out));
  CHECK(std::string(out, out + 5) == "hello");
  for (std::size_t i = 0; i < ct.size(); ++i) {
    Bytes bad = ct;
    bad[i] ^= 0x01;
    std::uint8_t junk[5] = {1, 2, 3, 4, 5};
    CHECK_FALSE(crypto::aeadOpen(key, nonce, bad, junk));
    CHECK(std::all_of(junk, junk + 5, [](std::uint8_t b) { return b == 0; }));
  }
  CHECK_FALSE(crypto::aeadOpen(key, nonce, ByteView(ct.data(), 15), out));  // shorter than a tag
}

TEST_CASE("X25519 matches RFC 7748 §6.1 and refuses the all-zero shared secret",
          "[primitives]") {
  Secret<32> alice, bob;
  auto a = unhex("77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a");
  auto b = unhex("5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb");
  std::copy(a.begin(), a.end(), alice.data());
  std::copy(b.begin(), b.end(), bob.data());
  auto A = crypto::x25519Base(alice);
  CHECK(hex(ByteView(A.data(), 32)) ==
        "8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a");
  Secret<32> k1, k2;
  REQUIRE(crypto::x25519(bob, ByteView(A.data(), 32), k1));
  auto B = crypto::x25519Base(bob);
  REQUIRE(crypto::x25519(alice, ByteView(B.data(), 32), k2));
  CHECK(k1.equals(k2));
  CHECK(hex(k1.view()) == "4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742");
  Bytes zeroPoint(32, 0);
  CHECK_FALSE(crypto::x25519(alice, zeroPoint, k1));
  CHECK(k1.isZero());
}

TEST_CASE("scrypt with age's r=8 p=1 matches an independent implementation", "[primitives]") {
  // RFC 7914's vectors use p=16; this value is OpenSSL's scrypt (via Python's
  // hashlib.scrypt(b"password", salt=b"NaCl", n=1024, r=8, p=1, dklen=32)), and pins
  // the parameters we pass to libsodium.
  Secret<32> out;
  crypto::scrypt("password", "NaCl", 10, out);
  CHECK(hex(out.view()) == "27b418c674c769d12501fbb1f53bac32df6514c0f28d043872b148b348961a79");
}
