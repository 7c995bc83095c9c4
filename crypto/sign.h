// Ed25519 signatures: a centre's identity key signs its key bundle and its
// acknowledgements; its courier key answers the relay's login challenge.
//
// Every signature covers a domain-separation label followed by the message
// (see signedMessage), so a signature made for one purpose — an ack, a login —
// can never be replayed as another — a bundle.
//
// Failure modes: verify() is a bool (a bad signature is data, not an error);
// SigningKey::fromSeed throws std::invalid_argument on a wrong-sized seed.
#pragma once

#include <array>
#include <string_view>

#include "crypto/bytes.h"
#include "crypto/format.h"
#include "crypto/secret.h"

namespace gongyou::crypto {

using SignPublicKey = std::array<std::uint8_t, format::kSignPublicSize>;
using Signature = std::array<std::uint8_t, format::kSignatureSize>;

class SigningKey {
 public:
  static SigningKey generate();
  // Deterministic from a 32-byte seed (tests, and keys recovered from a keyring).
  static SigningKey fromSeed(ByteView seed);

  const SignPublicKey& publicKey() const { return pk_; }
  // The seed is the whole secret; the keyring stores it, nothing else should.
  ByteView seed() const { return sk_.view().sub(0, format::kSignSeedSize); }
  Signature sign(std::string_view label, ByteView message) const;

 private:
  SigningKey() = default;
  Secret<format::kSignSecretSize> sk_;
  SignPublicKey pk_{};
};

// False for any malformed key, wrong length or invalid signature; never throws.
[[nodiscard]] bool verify(ByteView publicKey, std::string_view label, ByteView message,
                          ByteView signature);

// label || 0x00 || message: what is actually signed.
Bytes signedMessage(std::string_view label, ByteView message);

}  // namespace gongyou::crypto
