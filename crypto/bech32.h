// Bech32 (BIP 173 checksum) as age uses it for keys: `age1…` recipients and
// `AGE-SECRET-KEY-1…` identities. Unlike BIP 173 there is no 90-character limit
// (age's post-quantum keys are far longer). Mixed case is refused.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "crypto/bytes.h"

namespace gongyou::bech32 {

struct Decoded {
  std::string hrp;  // lower case
  Bytes data;       // 8-bit bytes (the 5-bit groups regrouped)
};

// Encodes in lower case; callers upper-case identities themselves.
std::string encode(std::string_view hrp, ByteView data);

// Refuses: mixed case, characters outside the charset, bad checksum, missing
// separator, empty HRP, non-zero or over-long padding bits. Internal copies are
// wiped; the returned data is the caller's to wipe when it is a secret key.
std::optional<Decoded> decode(std::string_view text);

}  // namespace gongyou::bech32
