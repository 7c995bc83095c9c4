// age's X25519 recipient type (age1… / AGE-SECRET-KEY-1…).
//
// Wrapping: ephemeral e, share E = e·G, shared s = e·R; the wrap key is
// HKDF-SHA256(ikm = s, salt = E || R, info = "age-encryption.org/v1/X25519") and the
// body is ChaCha20-Poly1305(wrap key, zero nonce, file key). An all-zero shared
// secret (low-order share) is refused, so a malicious sender cannot force a known key.
#pragma once

#include <array>
#include <optional>
#include <string>
#include <string_view>

#include "crypto/recipient.h"

namespace gongyou::age {

using PublicKey = std::array<std::uint8_t, format::kX25519Size>;

class X25519Recipient final : public Recipient {
 public:
  explicit X25519Recipient(const PublicKey& pk) : pk_(pk) {}
  // Parses "age1…"; nullopt if the encoding, HRP or length is wrong.
  static std::optional<X25519Recipient> parse(std::string_view text);
  std::string encode() const;
  const PublicKey& publicKey() const { return pk_; }
  std::vector<Stanza> wrap(const FileKey& key) const override;

 private:
  PublicKey pk_;
};

class X25519Identity final : public Identity {
 public:
  static X25519Identity generate();
  // From a scalar derived elsewhere (a reply code, crypto/reply_code.h).
  static X25519Identity fromScalar(Secret<32> scalar) { return X25519Identity(std::move(scalar)); }
  // Parses "AGE-SECRET-KEY-1…"; nullopt if malformed. The input text is the
  // caller's to wipe; the decoded scalar lives only in guarded memory.
  static std::optional<X25519Identity> parse(std::string_view text);
  SecretBytes encode() const;  // the AGE-SECRET-KEY-1… string, in guarded memory
  X25519Recipient recipient() const { return X25519Recipient(pk_); }
  Unwrap unwrap(const std::vector<Stanza>& stanzas, FileKey& out) const override;

 private:
  explicit X25519Identity(Secret<32> sk);
  Secret<32> sk_;
  PublicKey pk_;
};

}  // namespace gongyou::age
