// Stateless challenges: day u32 || random 16 || tag 16, where
// tag = BLAKE2b-256(key = relay challenge key, kind || day || random)[0..16).
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

Bytes issueChallenge(const Secret<32>& key, ChallengeKind kind, std::uint32_t today);

// The challenge's day if it is one of ours, of this kind, and not stale.
std::optional<std::uint32_t> checkChallenge(const Secret<32>& key, ChallengeKind kind,
                                            ByteView challenge, std::uint32_t today);

}  // namespace gongyou::server
