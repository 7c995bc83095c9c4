// The two sides of age's key wrapping: a Recipient wraps a fresh file key into
// header stanzas; an Identity tries to unwrap one.
#pragma once

#include <vector>

#include "crypto/format.h"
#include "crypto/header.h"
#include "crypto/secret.h"

namespace gongyou::age {

using FileKey = Secret<format::kFileKeySize>;

class Recipient {
 public:
  virtual ~Recipient() = default;
  virtual std::vector<Stanza> wrap(const FileKey& key) const = 0;
  // scrypt stanzas must be alone in a header: a passphrase file must not also open
  // with a public key, or the passphrase's strength would be moot.
  virtual bool mustBeAlone() const { return false; }
};

enum class Unwrap {
  Ok,         // `out` holds the file key
  NoMatch,    // no stanza of ours, or its AEAD tag did not verify: try the next identity
  Malformed,  // a stanza of our type is invalid: the whole header fails
};

class Identity {
 public:
  virtual ~Identity() = default;
  // Tries every stanza in order. `out` is written only on Ok.
  virtual Unwrap unwrap(const std::vector<Stanza>& stanzas, FileKey& out) const = 0;
};

}  // namespace gongyou::age
