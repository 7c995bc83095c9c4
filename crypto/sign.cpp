#include "crypto/sign.h"

#include <stdexcept>

namespace gongyou::crypto {

Bytes signedMessage(std::string_view label, ByteView message) {
  Bytes m(label.begin(), label.end());
  m.push_back(0);  // a label can never be a prefix of another label's message
  append(m, message);
  return m;
}

SigningKey SigningKey::generate() {
  sodiumInit();
  SigningKey k;
  crypto_sign_ed25519_keypair(k.pk_.data(), k.sk_.data());
  return k;
}

SigningKey SigningKey::fromSeed(ByteView seed) {
  if (seed.size() != format::kSignSeedSize) throw std::invalid_argument("Ed25519 seed must be 32 bytes");
  sodiumInit();
  SigningKey k;
  crypto_sign_ed25519_seed_keypair(k.pk_.data(), k.sk_.data(), seed.data());
  return k;
}

Signature SigningKey::sign(std::string_view label, ByteView message) const {
  Bytes m = signedMessage(label, message);
  Signature sig{};
  crypto_sign_ed25519_detached(sig.data(), nullptr, m.data(), m.size(), sk_.data());
  return sig;
}

bool verify(ByteView publicKey, std::string_view label, ByteView message, ByteView signature) {
  if (publicKey.size() != format::kSignPublicSize || signature.size() != format::kSignatureSize)
    return false;
  sodiumInit();
  Bytes m = signedMessage(label, message);
  return crypto_sign_ed25519_verify_detached(signature.data(), m.data(), m.size(),
                                             publicKey.data()) == 0;
}

}  // namespace gongyou::crypto
