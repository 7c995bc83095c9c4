#include "crypto/primitives.h"

#include <cstring>
#include <new>
#include <stdexcept>

namespace gongyou::crypto {

void randomBytes(std::uint8_t* out, std::size_t n) {
  sodiumInit();
  randombytes_buf(out, n);
}

std::uint32_t randomBelow(std::uint32_t upper) {
  sodiumInit();
  return upper == 0 ? 0 : randombytes_uniform(upper);
}

Sha256 sha256(ByteView data) {
  Sha256 h;
  crypto_hash_sha256(h.data(), data.data(), data.size());
  return h;
}

Hash blake2b(ByteView data) {
  sodiumInit();
  Hash h{};
  crypto_generichash(h.data(), h.size(), data.data(), data.size(), nullptr, 0);
  return h;
}

Hash blake2bKeyed(ByteView key, ByteView data) {
  if (key.size() < crypto_generichash_KEYBYTES_MIN || key.size() > crypto_generichash_KEYBYTES_MAX)
    throw std::invalid_argument("BLAKE2b key must be 16..64 bytes");
  sodiumInit();
  Hash h{};
  crypto_generichash(h.data(), h.size(), data.data(), data.size(), key.data(), key.size());
  return h;
}

Mac hmacSha256(ByteView key, ByteView message) {
  crypto_auth_hmacsha256_state st;
  crypto_auth_hmacsha256_init(&st, key.data(), key.size());
  crypto_auth_hmacsha256_update(&st, message.data(), message.size());
  Mac m;
  crypto_auth_hmacsha256_final(&st, m.data());
  sodium_memzero(&st, sizeof st);  // the state holds key-derived pads
  return m;
}

void hkdfSha256(ByteView ikm, ByteView salt, ByteView info, std::uint8_t* out, std::size_t n) {
  constexpr std::size_t kHash = crypto_auth_hmacsha256_BYTES;
  if (n > 255 * kHash) throw std::length_error("HKDF output too long");
  // An empty HMAC key is, by HMAC's zero padding, the RFC's "HashLen zeros" salt.
  Wiped<kHash> prk;
  {
    crypto_auth_hmacsha256_state st;
    crypto_auth_hmacsha256_init(&st, salt.data(), salt.size());
    crypto_auth_hmacsha256_update(&st, ikm.data(), ikm.size());
    crypto_auth_hmacsha256_final(&st, prk.data());
    sodium_memzero(&st, sizeof st);
  }
  Wiped<kHash> t;
  std::size_t tlen = 0;
  for (std::uint8_t i = 1; n > 0; ++i) {
    crypto_auth_hmacsha256_state st;
    crypto_auth_hmacsha256_init(&st, prk.data(), kHash);
    crypto_auth_hmacsha256_update(&st, t.data(), tlen);
    crypto_auth_hmacsha256_update(&st, info.data(), info.size());
    crypto_auth_hmacsha256_update(&st, &i, 1);
    crypto_auth_hmacsha256_final(&st, t.data());
    sodium_memzero(&st, sizeof st);
    tlen = kHash;
    std::size_t take = n < kHash ? n : kHash;
    std::memcpy(out, t.data(), take);
    out += take;
    n -= take;
  }
}

void aeadSeal(AeadKeyRef key, const AeadNonce& nonce, ByteView pt, std::uint8_t* out) {
  unsigned long long clen = 0;
  crypto_aead_chacha20poly1305_ietf_encrypt(out, &clen, pt.data(), pt.size(), nullptr, 0,
                                            nullptr, nonce.data(), key.data());
}

bool aeadOpen(AeadKeyRef key, const AeadNonce& nonce, ByteView ct, std::uint8_t* out) {
  if (ct.size() < format::kTagSize) return false;
  unsigned long long plen = 0;
  if (crypto_aead_chacha20poly1305_ietf_decrypt(out, &plen, nullptr, ct.data(), ct.size(),
                                                nullptr, 0, nonce.data(), key.data()) != 0) {
    sodium_memzero(out, ct.size() - format::kTagSize);
    return false;
  }
  return true;
}

bool x25519(KeyRef<32> scalar, ByteView point, KeyOut<32> shared) {
  if (point.size() != format::kX25519Size) return false;
  // libsodium returns -1 exactly when the output is all zeros.
  if (crypto_scalarmult(shared.data(), scalar.data(), point.data()) != 0) {
    sodium_memzero(shared.data(), 32);
    return false;
  }
  return true;
}

std::array<std::uint8_t, 32> x25519Base(KeyRef<32> scalar) {
  std::array<std::uint8_t, 32> p;
  crypto_scalarmult_base(p.data(), scalar.data());
  return p;
}

void scrypt(ByteView passphrase, ByteView salt, int logN, KeyOut<32> out) {
  if (logN < 1 || logN > 62) throw std::invalid_argument("scrypt work factor out of range");
  if (crypto_pwhash_scryptsalsa208sha256_ll(passphrase.data(), passphrase.size(), salt.data(),
                                            salt.size(), std::uint64_t{1} << logN,
                                            format::kScryptR, format::kScryptP, out.data(),
                                            32) != 0) {
    throw std::bad_alloc();  // the only failure left after the range check: memory
  }
}

}  // namespace gongyou::crypto
