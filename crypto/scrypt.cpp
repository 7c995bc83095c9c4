#include "crypto/scrypt.h"

#include <cstring>
#include <stdexcept>
#include <string>

#include "crypto/base64.h"
#include "crypto/primitives.h"

namespace gongyou::age {
namespace {

Wiped<32> deriveKey(const SecretBytes& pass, ByteView salt16, int logN) {
  Bytes salt;
  append(salt, format::kScryptLabel);
  append(salt, salt16);
  Wiped<32> k;
  crypto::scrypt(pass.view(), salt, logN, k);
  return k;
}

// Decimal without sign, leading zeros or other characters; 0 on any violation.
int parseWorkFactor(const std::string& s, int max) {
  if (s.empty() || s.size() > 2 || s[0] == '0') return 0;
  int v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return 0;
    v = v * 10 + (c - '0');
  }
  return v <= max ? v : 0;
}

}  // namespace

ScryptRecipient::ScryptRecipient(SecretBytes passphrase, int logN)
    : pass_(std::move(passphrase)), logN_(logN) {
  if (logN < 1 || logN > format::kScryptMaxLogN)
    throw std::invalid_argument("scrypt work factor out of range");
}

std::vector<Stanza> ScryptRecipient::wrap(const FileKey& key) const {
  std::uint8_t salt[format::kScryptSaltSize];
  crypto::randomBytes(salt, sizeof salt);
  Stanza s;
  s.type = format::kScryptStanzaType;
  s.args = {b64::encodeRaw(ByteView(salt, sizeof salt)), std::to_string(logN_)};
  s.body.resize(format::kWrappedKeySize);
  crypto::aeadSeal(deriveKey(pass_, ByteView(salt, sizeof salt), logN_), crypto::AeadNonce{},
                   key.view(), s.body.data());
  return {std::move(s)};
}

ScryptIdentity::ScryptIdentity(SecretBytes passphrase, int maxLogN)
    : pass_(std::move(passphrase)), maxLogN_(maxLogN) {}

Unwrap ScryptIdentity::unwrap(const std::vector<Stanza>& stanzas, FileKey& out) const {
  for (const auto& s : stanzas) {
    if (s.type != format::kScryptStanzaType) continue;
    if (s.args.size() != 2) return Unwrap::Malformed;
    auto salt = b64::decodeRaw(s.args[0]);
    if (!salt || salt->size() != format::kScryptSaltSize) return Unwrap::Malformed;
    int logN = parseWorkFactor(s.args[1], maxLogN_);
    if (logN == 0) return Unwrap::Malformed;
    if (s.body.size() != format::kWrappedKeySize) return Unwrap::Malformed;
    if (crypto::aeadOpen(deriveKey(pass_, *salt, logN), crypto::AeadNonce{}, s.body, out.data()))
      return Unwrap::Ok;
  }
  return Unwrap::NoMatch;
}

}  // namespace gongyou::age
