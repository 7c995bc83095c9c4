#include <catch2/catch.hpp>

#include "crypto/primitives.h"
#include "crypto/seal.h"

using namespace gongyou;

TEST_CASE("seal: round trip and every flipped byte and another place are refused") {
  Secret<32> key;
  crypto::randomBytes(key.data(), 32);
  Bytes sealed = crypto::seal(key, "report value", "reports/key1");
  CHECK(sealed.size() == 12 + crypto::kSealOverhead);
  SecretBytes out;
  REQUIRE(crypto::open(key, sealed, "reports/key1", out));
  CHECK(out.view().str() == "report value");
  for (std::size_t i = 0; i < sealed.size(); ++i) {
    Bytes t = sealed;
    t[i] ^= 1;
    CHECK_FALSE(crypto::open(key, t, "reports/key1", out));
  }
  CHECK_FALSE(crypto::open(key, sealed, "reports/key2", out));  // moved to another key
  Secret<32> other;
  crypto::randomBytes(other.data(), 32);
  CHECK_FALSE(crypto::open(other, sealed, "reports/key1", out));
  CHECK_FALSE(crypto::open(key, ByteView(sealed.data(), 10), "x", out));
  CHECK(crypto::seal(key, "report value", "a") != crypto::seal(key, "report value", "a"));  // fresh nonces
  REQUIRE(crypto::open(key, crypto::seal(key, ByteView(), "ad"), "ad", out));
  CHECK(out.empty());
}

TEST_CASE("seal: a store key wrapped by a passphrase unwraps only with it") {
  Secret<32> key, back;
  crypto::randomBytes(key.data(), 32);
  crypto::KdfCost cheap{crypto_pwhash_argon2id_OPSLIMIT_MIN, crypto_pwhash_argon2id_MEMLIMIT_MIN};
  Bytes w = crypto::wrapKey(key, "correct horse", cheap);
  REQUIRE(crypto::unwrapKey(w, "correct horse", back));
  CHECK(back.equals(key));
  CHECK_FALSE(crypto::unwrapKey(w, "wrong horse", back));
  Bytes t = w;
  t.back() ^= 1;
  CHECK_FALSE(crypto::unwrapKey(t, "correct horse", back));
  // A hostile cost field is refused before any work.
  Bytes costly = w;
  costly[16 + 7] = 200;  // ops = 200
  CHECK_FALSE(crypto::unwrapKey(costly, "correct horse", back));
}
