// The two sides of age's key wrapping: a Recipient wraps a fresh file key into
// header stanzas; an Identity tries to unwrap one.
#pragma once

#include <vector>

#include "crypto/format.h"
#include "crypto/header.h"
#include "crypto/secret.h"

namespace gongyou::age {

// The file key exists only while a header is written or read (it is then turned
// into the header MAC key and the payload key), so it is a stack value.
using FileKey = Wiped<format::kFileKeySize>;

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
  // Tries every stanza in order. `out` holds the key on Ok and zeros otherwise.
  virtual Unwrap unwrap(const std::vector<Stanza>& stanzas, FileKey& out) const = 0;
};

}  // namespace gongyou::age
