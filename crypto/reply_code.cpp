#include "crypto/reply_code.h"

#include <cstring>
#include <new>

#include "crypto/format.h"
#include "crypto/primitives.h"

namespace gongyou::crypto {
namespace {

// Damm's totally anti-symmetric quasigroup of order 10: catches every single
// wrong digit and every swap of adjacent digits.
constexpr std::uint8_t kDamm[10][10] = {
    {0, 3, 1, 7, 5, 9, 8, 6, 4, 2}, {7, 0, 9, 2, 1, 5, 4, 8, 6, 3}, {4, 2, 0, 6, 8, 7, 1, 3, 5, 9},
    {1, 7, 5, 0, 9, 8, 3, 4, 2, 6}, {6, 1, 2, 3, 0, 4, 5, 9, 7, 8}, {3, 6, 7, 4, 2, 0, 9, 5, 8, 1},
    {5, 8, 6, 9, 7, 2, 0, 1, 3, 4}, {8, 9, 4, 5, 3, 6, 2, 0, 1, 7}, {9, 4, 3, 8, 6, 1, 7, 2, 0, 5},
    {2, 5, 8, 1, 4, 3, 6, 7, 9, 0}};

constexpr std::size_t kDigits = format::kReplyCodeRandomDigits + 1;

}  // namespace

char dammCheckDigit(std::string_view digits) {
  std::uint8_t interim = 0;
  for (char c : digits) interim = kDamm[interim][c - '0'];
  return static_cast<char>('0' + interim);
}

ReplyCode ReplyCode::generate() {
  sodiumInit();
  SecretBytes d(kDigits);
  for (std::size_t i = 0; i < format::kReplyCodeRandomDigits; ++i)
    d.data()[i] = static_cast<std::uint8_t>('0' + randombytes_uniform(10));  // unbiased
  d.data()[kDigits - 1] = static_cast<std::uint8_t>(dammCheckDigit(d.view().sub(0, kDigits - 1).str()));
  return ReplyCode(std::move(d));
}

std::optional<ReplyCode> ReplyCode::parse(std::string_view text) {
  SecretBytes d(kDigits);
  std::size_t n = 0;
  for (char c : text) {
    if (c == ' ' || c == '-' || c == '\t' || c == '\n' || c == '\r') continue;
    if (c < '0' || c > '9' || n == kDigits) return std::nullopt;
    d.data()[n++] = static_cast<std::uint8_t>(c);
  }
  if (n != kDigits || dammCheckDigit(d.view().str()) != '0') return std::nullopt;
  return ReplyCode(std::move(d));
}

SecretBytes ReplyCode::text() const {
  constexpr std::size_t groups = (kDigits + format::kReplyCodeGroup - 1) / format::kReplyCodeGroup;
  SecretBytes t(kDigits + groups - 1);
  std::size_t o = 0;
  for (std::size_t i = 0; i < kDigits; ++i) {
    if (i > 0 && i % format::kReplyCodeGroup == 0) t.data()[o++] = '-';
    t.data()[o++] = digits_.data()[i];
  }
  return t;
}

ReplyKeys deriveReplyKeys(const ReplyCode& code) {
  sodiumInit();
  static_assert(crypto_pwhash_SALTBYTES <= sizeof(Hash));
  const Hash saltHash = blake2b(format::kReplyCodeSalt);  // its first 16 bytes are the salt
  Secret<32> scalar;
  if (crypto_pwhash(scalar.data(), scalar.size(), reinterpret_cast<const char*>(code.digits().data()),
                    code.digits().size(), saltHash.data(), format::kReplyCodeOps, format::kReplyCodeMemBytes,
                    crypto_pwhash_ALG_ARGON2ID13) != 0)
    throw std::bad_alloc();
  ReplyKeys k{{}, age::X25519Identity::fromScalar(std::move(scalar))};
  k.mailbox = mailboxOf(k.identity.recipient().publicKey());
  return k;
}

Mailbox mailboxOf(const age::PublicKey& replyKey) {
  Bytes in(format::kMailboxLabel, format::kMailboxLabel + sizeof format::kMailboxLabel);  // with its 0x00
  in.insert(in.end(), replyKey.begin(), replyKey.end());
  return blake2b(in);
}

}  // namespace gongyou::crypto
