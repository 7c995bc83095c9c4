// Thin, typed wrappers over the libsodium primitives age is built from.
//
// All functions are deterministic except randomBytes. None throws on a
// cryptographic failure: authentication failure is a `false` return, and output
// buffers are cleared before it so no unauthenticated plaintext escapes.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>

#include "crypto/bytes.h"
#include "crypto/format.h"
#include "crypto/secret.h"

namespace gongyou::crypto {

using Sha256 = std::array<std::uint8_t, crypto_hash_sha256_BYTES>;
using Mac = std::array<std::uint8_t, format::kMacSize>;
using AeadNonce = std::array<std::uint8_t, format::kAeadNonceSize>;
using AeadKeyRef = KeyRef<format::kAeadKeySize>;
using Hash = std::array<std::uint8_t, format::kHashSize>;

void randomBytes(std::uint8_t* out, std::size_t n);
// Uniform in [0, upper) (no modulo bias); 0 when upper is 0.
std::uint32_t randomBelow(std::uint32_t upper);

Sha256 sha256(ByteView data);

// BLAKE2b-256, unkeyed (content addresses: envelope hashes) or keyed (a relay's
// challenge tags; the key is a relay-local secret of 16..64 bytes).
Hash blake2b(ByteView data);
Hash blake2bKeyed(ByteView key, ByteView data);

// HMAC-SHA256 (RFC 2104) with a key of any length.
Mac hmacSha256(ByteView key, ByteView message);

// HKDF-SHA256 (RFC 5869): extract with `salt` (empty = HashLen zeros), expand with
// `info` into out[0..n), n <= 255*32. Throws std::length_error for n beyond that.
void hkdfSha256(ByteView ikm, ByteView salt, ByteView info, std::uint8_t* out, std::size_t n);

// ChaCha20-Poly1305 IETF. seal writes pt.size()+16 bytes to `out`.
void aeadSeal(AeadKeyRef key, const AeadNonce& nonce, ByteView pt, std::uint8_t* out);
// open writes ct.size()-16 bytes to `out` on success. On failure returns false and
// zeroes out[0..ct.size()-16) (nothing unauthenticated is left behind).
[[nodiscard]] bool aeadOpen(AeadKeyRef key, const AeadNonce& nonce, ByteView ct,
                            std::uint8_t* out);

// X25519. Returns false when the result is all zeros (low-order or identity point),
// which age requires to be rejected; `shared` is zeroed then.
[[nodiscard]] bool x25519(KeyRef<32> scalar, ByteView point, KeyOut<32> shared);
std::array<std::uint8_t, 32> x25519Base(KeyRef<32> scalar);

// scrypt (N = 2^logN, r = 8, p = 1) over libsodium's low-level entry point.
// Throws std::bad_alloc if the work factor's memory cannot be had.
void scrypt(ByteView passphrase, ByteView salt, int logN, KeyOut<32> out);

}  // namespace gongyou::crypto
