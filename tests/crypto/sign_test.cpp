#include <catch2/catch.hpp>

#include "crypto/sign.h"
#include "hex.h"

using namespace gongyou;

TEST_CASE("ed25519: RFC 8032 test 1 public key from seed") {
  // RFC 8032 section 7.1, TEST 1.
  auto seed = test::unhex("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60");
  auto k = crypto::SigningKey::fromSeed(seed);
  CHECK(test::hex(ByteView(k.publicKey().data(), 32)) ==
        "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a");
  CHECK(test::hex(k.seed()) == test::hex(seed));
}

TEST_CASE("ed25519: sign and verify with labels") {
  auto k = crypto::SigningKey::generate();
  auto sig = k.sign("gongyou/test/v1", "message");
  ByteView pk(k.publicKey().data(), 32);
  CHECK(crypto::verify(pk, "gongyou/test/v1", "message", ByteView(sig.data(), sig.size())));
  // A signature for one purpose is worthless for another.
  CHECK_FALSE(crypto::verify(pk, "gongyou/other/v1", "message", ByteView(sig.data(), sig.size())));
  CHECK_FALSE(crypto::verify(pk, "gongyou/test/v1", "messagE", ByteView(sig.data(), sig.size())));
  // Label/message boundary is unambiguous.
  CHECK_FALSE(crypto::verify(pk, "gongyou/test/v", "1message", ByteView(sig.data(), sig.size())));
  for (std::size_t i = 0; i < sig.size(); i += 7) {
    auto bad = sig;
    bad[i] ^= 0x01;
    CHECK_FALSE(crypto::verify(pk, "gongyou/test/v1", "message", ByteView(bad.data(), bad.size())));
  }
  CHECK_FALSE(crypto::verify(pk.sub(0, 31), "gongyou/test/v1", "message", ByteView(sig.data(), sig.size())));
  CHECK_FALSE(crypto::verify(pk, "gongyou/test/v1", "message", ByteView(sig.data(), 63)));
  CHECK_THROWS_AS(crypto::SigningKey::fromSeed(ByteView(sig.data(), 31)), std::invalid_argument);
}
