#include "crypto/x25519.h"

#include <cstring>
#include <stdexcept>

#include "crypto/base64.h"
#include "crypto/bech32.h"
#include "crypto/primitives.h"

namespace gongyou::age {
namespace {

// HKDF(shared, share || recipient, label) → the key that wraps the file key.
Wiped<32> wrapKey(const Wiped<32>& shared, const PublicKey& share, const PublicKey& rcpt) {
  std::uint8_t salt[2 * format::kX25519Size];
  std::memcpy(salt, share.data(), share.size());
  std::memcpy(salt + share.size(), rcpt.data(), rcpt.size());
  Wiped<32> k;
  crypto::hkdfSha256(shared.view(), ByteView(salt, sizeof salt), format::kX25519Label, k.data(),
                     k.size());
  return k;
}

}  // namespace

std::optional<X25519Recipient> X25519Recipient::parse(std::string_view text) {
  auto d = bech32::decode(text);
  if (!d || d->hrp != format::kRecipientHrp || d->data.size() != format::kX25519Size)
    return std::nullopt;
  PublicKey pk;
  std::copy(d->data.begin(), d->data.end(), pk.begin());
  return X25519Recipient(pk);
}

std::string X25519Recipient::encode() const {
  return bech32::encode(format::kRecipientHrp, ByteView(pk_.data(), pk_.size()));
}

std::vector<Stanza> X25519Recipient::wrap(const FileKey& key) const {
  Wiped<32> eph;
  crypto::randomBytes(eph.data(), eph.size());
  PublicKey share = crypto::x25519Base(eph);
  Wiped<32> shared;
  // Only fails for a low-order recipient key, which parse() cannot produce from a
  // real key but a hand-built PublicKey could: refuse rather than wrap to zeros.
  if (!crypto::x25519(eph, ByteView(pk_.data(), pk_.size()), shared))
    throw std::invalid_argument("X25519 recipient is a low-order point");
  Stanza s;
  s.type = format::kX25519StanzaType;
  s.args.push_back(b64::encodeRaw(ByteView(share.data(), share.size())));
  s.body.resize(format::kWrappedKeySize);
  crypto::aeadSeal(wrapKey(shared, share, pk_), crypto::AeadNonce{}, key.view(), s.body.data());
  return {std::move(s)};
}

X25519Identity::X25519Identity(Secret<32> sk) : sk_(std::move(sk)), pk_(crypto::x25519Base(sk_)) {}

X25519Identity X25519Identity::generate() {
  Secret<32> sk;
  crypto::randomBytes(sk.data(), sk.size());
  return X25519Identity(std::move(sk));
}

std::optional<X25519Identity> X25519Identity::parse(std::string_view text) {
  auto d = bech32::decode(text);
  if (!d) return std::nullopt;
  bool ok = d->hrp == format::kIdentityHrp && d->data.size() == 32;
  Secret<32> sk;
  if (ok) std::memcpy(sk.data(), d->data.data(), 32);
  sodium_memzero(d->data.data(), d->data.size());
  if (!ok) return std::nullopt;
  return X25519Identity(std::move(sk));
}

SecretBytes X25519Identity::encode() const {
  std::string s = bech32::encode(format::kIdentityHrp, sk_.view());
  for (char& c : s)
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  SecretBytes out{ByteView(s)};
  sodium_memzero(s.data(), s.size());
  return out;
}

Unwrap X25519Identity::unwrap(const std::vector<Stanza>& stanzas, FileKey& out) const {
  for (const auto& s : stanzas) {
    if (s.type != format::kX25519StanzaType) continue;
    if (s.args.size() != 1) return Unwrap::Malformed;
    auto share = b64::decodeRaw(s.args[0]);
    if (!share || share->size() != format::kX25519Size) return Unwrap::Malformed;
    // Length is checked before any decryption (testkit x25519_long_file_key).
    if (s.body.size() != format::kWrappedKeySize) return Unwrap::Malformed;
    Wiped<32> shared;
    if (!crypto::x25519(sk_, *share, shared)) return Unwrap::Malformed;
    PublicKey e;
    std::copy(share->begin(), share->end(), e.begin());
    // aeadOpen zeroes `out` on failure, so a failed attempt leaves nothing behind.
    if (crypto::aeadOpen(wrapKey(shared, e, pk_), crypto::AeadNonce{}, s.body, out.data()))
      return Unwrap::Ok;
  }
  return Unwrap::NoMatch;
}

}  // namespace gongyou::age
