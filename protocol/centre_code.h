// The centre code: the one thing a worker gets out of band (a card handed out at
// a training, a poster, a QR code). It carries the centre's id, its identity key
// and the relays to reach it; everything else (recipients, policy) comes from the
// signed bundle the relays serve, checked against this identity key.
//
// Encoding: Bech32 (BIP 173 checksum, no length limit) with HRP "gongyou", printed
// in upper case so that a QR code can use its compact alphanumeric mode, and in
// groups of five for people. The payload is
//   version u8 (1) || identity key (32) || u8 len || centre id || u8 count
//   || count × (u8 len || relay address: "host:port" or "wss://host/path")
// A typo is caught by the checksum (any 4 wrong characters for sure, more with
// probability 1 - 2^-30) before anything touches the network.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "crypto/sign.h"

namespace gongyou::protocol {

struct CentreCode {
  std::string centreId;
  crypto::SignPublicKey identity{};
  std::vector<std::string> relays;  // "host:port", tried in order
};

// Throws std::invalid_argument for an invalid centre id, no relay, or a field
// too long to encode.
std::string encodeCentreCode(const CentreCode& code);  // upper case, no spaces

// For people: groups of five separated by spaces.
std::string groupCentreCode(const std::string& code);

// Accepts any case, with any spaces, '-' or line breaks between characters, and
// the characters people confuse where the alphabet allows only one (O for 0, I
// or 1 for L in the data part, 0 for O in "GONGYOU"). nullopt for a bad checksum,
// another HRP, an unknown version, or a payload that does not parse exactly.
std::optional<CentreCode> decodeCentreCode(std::string_view text);

// The code as decodeCentreCode reads it: upper case, no separators, confusable
// characters replaced.
std::string normalizeCentreCode(std::string_view text);

// For a code that does not decode: the group of five (1-based, as
// groupCentreCode prints it) holding the one mistyped character, when one
// character changed would make it valid; nullopt otherwise (several typos, a
// missing or extra character, not a centre code at all).
std::optional<std::size_t> centreCodeTypoGroup(std::string_view text);

}  // namespace gongyou::protocol
