#include "crypto/seal.h"

#include <cstring>
#include <new>

#include "crypto/primitives.h"

namespace gongyou::crypto {
namespace {

constexpr std::size_t kNonce = crypto_aead_xchacha20poly1305_ietf_NPUBBYTES;
constexpr std::size_t kTag = crypto_aead_xchacha20poly1305_ietf_ABYTES;
constexpr std::size_t kSalt = crypto_pwhash_SALTBYTES;
constexpr char kWrapAd[] = "gongyou/store-key/v1";

bool derive(ByteView passphrase, const std::uint8_t* salt, std::uint64_t ops, std::uint64_t mem, Wiped<32>& kek) {
  return crypto_pwhash(kek.data(), kek.size(), reinterpret_cast<const char*>(passphrase.data()), passphrase.size(),
                       salt, ops, static_cast<std::size_t>(mem), crypto_pwhash_ALG_ARGON2ID13) == 0;
}

}  // namespace

Bytes seal(KeyRef<32> key, ByteView plaintext, ByteView ad) {
  sodiumInit();
  Bytes out(kNonce + plaintext.size() + kTag);
  randomBytes(out.data(), kNonce);
  unsigned long long n = 0;
  crypto_aead_xchacha20poly1305_ietf_encrypt(out.data() + kNonce, &n, plaintext.data(), plaintext.size(), ad.data(),
                                             ad.size(), nullptr, out.data(), key.data());
  return out;
}

bool open(KeyRef<32> key, ByteView sealed, ByteView ad, SecretBytes& out) {
  if (sealed.size() < kNonce + kTag) return false;
  SecretBytes plain(sealed.size() - kNonce - kTag);
  unsigned long long n = 0;
  // A zero-length plaintext still needs a writable, non-null output pointer.
  std::uint8_t none[1];
  if (crypto_aead_xchacha20poly1305_ietf_decrypt(plain.empty() ? none : plain.data(), &n, nullptr,
                                                 sealed.data() + kNonce, sealed.size() - kNonce, ad.data(), ad.size(),
                                                 sealed.data(), key.data()) != 0)
    return false;
  out = std::move(plain);
  return true;
}

bool openInto(KeyRef<32> key, ByteView sealed, ByteView ad, std::uint8_t* out) {
  if (sealed.size() < kNonce + kTag) return false;
  unsigned long long n = 0;
  if (crypto_aead_xchacha20poly1305_ietf_decrypt(out, &n, nullptr, sealed.data() + kNonce, sealed.size() - kNonce,
                                                 ad.data(), ad.size(), sealed.data(), key.data()) != 0) {
    sodium_memzero(out, sealed.size() - kNonce - kTag);
    return false;
  }
  return true;
}

Bytes wrapKey(KeyRef<32> key, ByteView passphrase, const KdfCost& cost) {
  sodiumInit();
  Bytes out(kSalt);
  randomBytes(out.data(), kSalt);
  appendBE<std::uint64_t>(out, cost.ops);
  appendBE<std::uint64_t>(out, cost.mem);
  Wiped<32> kek;
  if (!derive(passphrase, out.data(), cost.ops, cost.mem, kek)) throw std::bad_alloc();
  append(out, seal(kek, ByteView(key.data(), 32), kWrapAd));
  return out;
}

bool unwrapKey(ByteView wrapped, ByteView passphrase, KeyOut<32> key) {
  sodiumInit();
  if (wrapped.size() != kSalt + 16 + kNonce + 32 + kTag) return false;
  const std::uint64_t ops = readBE<std::uint64_t>(wrapped.data() + kSalt), mem = readBE<std::uint64_t>(wrapped.data() + kSalt + 8);
  if (ops < crypto_pwhash_argon2id_OPSLIMIT_MIN || ops > 10 || mem < crypto_pwhash_argon2id_MEMLIMIT_MIN ||
      mem > (std::uint64_t{4} << 30))
    return false;
  Wiped<32> kek;
  if (!derive(passphrase, wrapped.data(), ops, mem, kek)) return false;
  SecretBytes plain;
  if (!open(kek, wrapped.sub(kSalt + 16, wrapped.size() - kSalt - 16), kWrapAd, plain) || plain.size() != 32)
    return false;
  std::memcpy(key.data(), plain.data(), 32);
  return true;
}

}  // namespace gongyou::crypto
