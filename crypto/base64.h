// Base64 as age uses it, on libsodium's constant-time codec.
//
// Decoding is strict: any character outside the alphabet (including CR, LF and
// spaces), wrong or missing padding, and non-zero trailing bits ("non-canonical"
// encodings, which would let one file have several valid spellings) are refused.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "crypto/bytes.h"

namespace gongyou::b64 {

// Unpadded standard alphabet (RFC 4648 §4 without '='): age header stanzas and MAC.
std::string encodeRaw(ByteView data);
std::optional<Bytes> decodeRaw(std::string_view text);

// Padded standard alphabet: the ASCII armor body.
std::string encodePadded(ByteView data);
std::optional<Bytes> decodePadded(std::string_view text);

}  // namespace gongyou::b64
