// Proof of work: hashcash over BLAKE2b-256.
//
// A stamp is a 64-bit nonce such that
//   BLAKE2b-256(kPowLabel || 0x00 || len32(challenge) || challenge || len32(centre) || centre
//               || envelopeHash || nonce as u64 little-endian)
// starts with at least `difficulty` zero bits. The challenge is issued by the relay
// (it carries the day and the relay's tag, see server/challenge), the envelope hash
// binds the stamp to exactly one envelope, and the centre id to one inbox: a stamp
// cannot be moved to other content, another centre or another relay, and the relay
// refuses it a second time. Solving costs 2^difficulty hashes on average;
// verifying costs one.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "crypto/bytes.h"
#include "crypto/primitives.h"

namespace gongyou::crypto {

struct PowInput {
  ByteView challenge;
  std::string_view centre;
  Hash envelopeHash{};
};

Hash powHash(const PowInput& in, std::uint64_t nonce);
unsigned leadingZeroBits(const Hash& h);
[[nodiscard]] bool powCheck(const PowInput& in, std::uint64_t nonce, unsigned difficulty);

// Searches nonces from a random start. Returns nullopt only if difficulty is above
// `cap` (a hostile bundle must not hang a worker's machine); callers adding bits
// of their own on top of what a relay asks raise the cap by exactly those.
std::optional<std::uint64_t> powSolve(const PowInput& in, unsigned difficulty,
                                      unsigned cap = format::kPowMaxDifficulty);

}  // namespace gongyou::crypto
