// A centre's guidance, from the JSON file its staff write to the signed file
// workers install (protocol/guidance.h, guidance.capnp).
//
// The JSON (docs/guidance.md; docs/guidance-example.json):
//   { "jurisdiction": "MY", "currency": "MYR",
//     "whereToGo": { "en": "...", "ms": "..." },
//     "categories": { "wage_theft": { "en": { "right": "...", "nextSteps": "...",
//                                             "citation": "..." }, ... }, ... } }
// Keys are language tags (BCP 47) and the taxonomy's category ids.
//
// Failure modes: std::invalid_argument with one line naming the key that is
// wrong (a syntax error, an unknown key, a category not in the taxonomy, a text
// over its cap); nothing is signed then.
#pragma once

#include <cstdint>
#include <string_view>

#include "analyst/keyring.h"
#include "crypto/bytes.h"

namespace gongyou::analyst {

// Signs the guidance in `json` with the centre's identity: version =
// keyring.guidanceVersion + 1, recorded in the keyring (the caller saves it),
// issued `today`. Returns the framed SignedGuidance file.
Bytes signGuidanceJson(std::string_view json, Keyring& keyring, std::uint32_t today);

}  // namespace gongyou::analyst
