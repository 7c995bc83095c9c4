// Stateless challenges: day u32 || difficulty u8 || random 15 || tag 16, where
// tag = BLAKE2b-256(key = relay challenge key, kind || day || difficulty || random)[0..16).
//
// The difficulty a proof-of-work challenge demands is written into it when it is
// issued (the bundle's, or more while the relay is under load) and covered by the
// tag, so the relay checks each stamp against what it asked for, with no table,
// and a client cannot talk a challenge down. Login challenges carry 0.
//
// A challenge carries no time finer than its day, so that a stamp kept with its
// envelope (on a relay's disk, in a courier's batch) says nothing of when it
// arrived. What makes it short-lived and single-use is the ChallengeBook below:
// the relay's memory of the challenges it issued and not yet seen spent, each
// for a few minutes. Nothing of it is ever written to disk, so the store holds no
// trace of stamps or logins, and a restart simply forgets every open challenge
// (clients ask again).
#pragma once

#include <chrono>
#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <unordered_map>

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

// Open challenges, in memory, on the RPC thread only. A challenge is accepted
// once, within `lifetime` of its issue; spending one forgets it. At `capacity`
// open challenges the oldest is forgotten for a new one: a flood of challenge
// requests costs the flooder a round trip each and bounds the relay's memory
// (about 64 bytes each); honest workers' challenges survive it unless it issues
// `capacity` of them while a worker computes its proof of work.
class ChallengeBook {
 public:
  using Clock = std::chrono::steady_clock;
  ChallengeBook(const Secret<32>& key, Clock::duration lifetime, std::size_t capacity = 1 << 16)
      : key_(key), lifetime_(lifetime), capacity_(capacity) {}

  Bytes issue(ChallengeKind kind, std::uint32_t today, std::uint8_t difficulty, Clock::time_point now);
  // The challenge's day and difficulty if it is one of ours, of this kind, open
  // and not older than the lifetime. It stays open: spend() closes it.
  std::optional<Challenge> check(ChallengeKind kind, ByteView challenge, std::uint32_t today, Clock::time_point now);
  // Closes an open challenge; false if it was not open (spent already, expired).
  bool spend(ByteView challenge, Clock::time_point now);
  std::size_t open() const { return issued_.size(); }

 private:
  void expire(Clock::time_point now);
  const Secret<32>& key_;
  Clock::duration lifetime_;
  std::size_t capacity_;
  std::unordered_map<std::string, Clock::time_point> issued_;  // challenge bytes -> issued at
  std::deque<std::pair<Clock::time_point, std::string>> order_;  // oldest first (spent ones too, lazily)
};

}  // namespace gongyou::server
