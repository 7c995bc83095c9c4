// Stateless challenges: day u32 || difficulty u8 || random 15 || tag 16, where
// tag = BLAKE2b-256(key = relay challenge key, kind || day || difficulty || random)[0..16).
//
// The difficulty a proof-of-work challenge demands is written into it when it is
// issued (the bundle's, or more while the relay is under load) and covered by the
// tag, so the relay checks each stamp against what it asked for, with no table,
// and a client cannot talk a challenge down. Login challenges carry 0.
//
// The relay keeps no table of issued challenges (nothing to fill with a flood,
// nothing lost on restart); it recognises its own by the tag. A challenge is
// accepted on the day it was issued and the next. Single use is enforced by the
// replay cache in the store, keyed by day so it can expire.
#pragma once

#include <cstdint>
#include <optional>

#include "crypto/bytes.h"
#include "crypto/secret.h"

namespace gongyou::server {

enum class ChallengeKind : std::uint8_t { Pow = 1, Login = 2 };

inline constexpr std::size_t kChallengeSize = 4 + 16 + 16;

Bytes issueChallenge(const Secret<32>& key, ChallengeKind kind, std::uint32_t today,
                     std::uint8_t difficulty = 0);

struct Challenge {
  std::uint32_t day = 0;
  std::uint8_t difficulty = 0;
};
// The challenge's day and difficulty if it is one of ours, of this kind, and
// not stale.
std::optional<Challenge> checkChallenge(const Secret<32>& key, ChallengeKind kind, ByteView challenge,
                                        std::uint32_t today);

}  // namespace gongyou::server
