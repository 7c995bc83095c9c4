// age's scrypt (passphrase) recipient type.
//
// Stanza: "-> scrypt <base64 16-byte salt> <log2 N>"; the wrap key is
// scrypt(passphrase, "age-encryption.org/v1/scrypt" || salt, N, r=8, p=1).
// Used for the analyst keyring, so `age -d` can recover keys without our tool.
#pragma once

#include "crypto/recipient.h"

namespace gongyou::age {

class ScryptRecipient final : public Recipient {
 public:
  // Takes ownership of the passphrase (guarded memory). logN is the work factor.
  explicit ScryptRecipient(SecretBytes passphrase, int logN = format::kScryptDefaultLogN);
  std::vector<Stanza> wrap(const FileKey& key) const override;
  bool mustBeAlone() const override { return true; }

 private:
  SecretBytes pass_;
  int logN_;
};

class ScryptIdentity final : public Identity {
 public:
  // Work factors above maxLogN are refused as malformed before any work is done,
  // so a hostile file cannot make us spend gigabytes and minutes.
  explicit ScryptIdentity(SecretBytes passphrase, int maxLogN = format::kScryptMaxLogN);
  Unwrap unwrap(const std::vector<Stanza>& stanzas, FileKey& out) const override;

 private:
  SecretBytes pass_;
  int maxLogN_;
};

}  // namespace gongyou::age
