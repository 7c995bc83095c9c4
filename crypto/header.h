// The age v1 header: intro line, recipient stanzas, MAC line.
//
//   age-encryption.org/v1
//   -> X25519 <base64 share>
//   <base64 body, 64 columns per line, ending with a line shorter than 64>
//   --- <base64 HMAC-SHA256 over everything above, up to and including "---">
//
// Parsing is strict (canonical base64, LF only, non-empty VCHAR arguments) so that
// every header has exactly one spelling, which is what makes the MAC meaningful.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "crypto/bytes.h"
#include "crypto/io.h"
#include "crypto/primitives.h"

namespace gongyou::age {

struct Stanza {
  std::string type;
  std::vector<std::string> args;
  Bytes body;
};

struct Header {
  std::vector<Stanza> stanzas;
  Bytes macInput;  // the exact header bytes the MAC covers (through "---")
  crypto::Mac mac{};
};

// Returns nullopt for any malformed header, one over kMaxHeaderBytes, or one with
// more than kMaxStanzas stanzas. On success the source is positioned at
// the first payload byte (the payload nonce).
std::optional<Header> parseHeader(io::BufferedSource& in);

// Serialises stanzas into a header's MAC input ("age-encryption.org/v1\n…---").
std::string headerMacInput(const std::vector<Stanza>& stanzas);

// The MAC line that completes a header: " <base64 mac>\n".
std::string headerMacLine(const crypto::Mac& mac);

}  // namespace gongyou::age
