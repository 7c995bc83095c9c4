// Values at rest (the analyst store): XChaCha20-Poly1305 with a random 24-byte
// nonce — random nonces are safe at this size, so no counter has to survive a
// crash — and associated data that binds each value to its place (its key), so
// a value moved to another key no longer opens.
//
// And the store key at rest: wrapped with a key derived from the passphrase by
// Argon2id, the parameters stored next to it so they can be raised later.
//
// Failure is a value: open/unwrap return false and leave nothing behind.
#pragma once

#include <cstdint>

#include "crypto/bytes.h"
#include "crypto/secret.h"

namespace gongyou::crypto {

inline constexpr std::size_t kSealOverhead =
    crypto_aead_xchacha20poly1305_ietf_NPUBBYTES + crypto_aead_xchacha20poly1305_ietf_ABYTES;

Bytes seal(KeyRef<32> key, ByteView plaintext, ByteView ad);
// On success `out` holds the plaintext in guarded memory.
[[nodiscard]] bool open(KeyRef<32> key, ByteView sealed, ByteView ad, SecretBytes& out);
// The same into out[0..sealed.size() - kSealOverhead), for callers that reuse one
// guarded buffer (a store scan opens a million values: one sodium_malloc each
// would cost more than the decryption). On failure the output is zeroed.
[[nodiscard]] bool openInto(KeyRef<32> key, ByteView sealed, ByteView ad, std::uint8_t* out);

struct KdfCost {
  unsigned long long ops = crypto_pwhash_argon2id_OPSLIMIT_MODERATE;   // 3
  std::size_t mem = crypto_pwhash_argon2id_MEMLIMIT_MODERATE;          // 256 MiB
};

// salt (16) || ops u64 || mem u64 || seal(kek, key, "gongyou/store-key/v1")
Bytes wrapKey(KeyRef<32> key, ByteView passphrase, const KdfCost& cost);
// False for a wrong passphrase or a damaged blob; refuses costs above 4 GiB
// or 10 passes (a hostile file must not exhaust the machine).
[[nodiscard]] bool unwrapKey(ByteView wrapped, ByteView passphrase, KeyOut<32> key);

}  // namespace gongyou::crypto
