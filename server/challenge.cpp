#include "server/challenge.h"

#include <sodium.h>

#include "crypto/primitives.h"

namespace gongyou::server {
namespace {

constexpr std::size_t kHeadSize = 4 + 1, kRandomSize = 15, kTagSize = 16;
static_assert(kHeadSize + kRandomSize + kTagSize == kChallengeSize);

crypto::Hash tag(const Secret<32>& key, ChallengeKind kind, ByteView headAndRandom) {
  Bytes in{static_cast<std::uint8_t>(kind)};
  append(in, headAndRandom);
  return crypto::blake2bKeyed(key.view(), in);
}

}  // namespace

Bytes issueChallenge(const Secret<32>& key, ChallengeKind kind, std::uint32_t today, std::uint8_t difficulty) {
  Bytes c;
  appendBE<std::uint32_t>(c, today);
  c.push_back(difficulty);
  c.resize(kHeadSize + kRandomSize);
  crypto::randomBytes(c.data() + kHeadSize, kRandomSize);
  auto t = tag(key, kind, c);
  c.insert(c.end(), t.begin(), t.begin() + kTagSize);
  return c;
}

std::optional<Challenge> checkChallenge(const Secret<32>& key, ChallengeKind kind, ByteView challenge,
                                        std::uint32_t today) {
  if (challenge.size() != kChallengeSize) return std::nullopt;
  auto t = tag(key, kind, challenge.sub(0, kHeadSize + kRandomSize));
  if (sodium_memcmp(t.data(), challenge.data() + kHeadSize + kRandomSize, kTagSize) != 0) return std::nullopt;
  const std::uint32_t day = readU32BE(challenge.data());
  if (day > today || day + 1 < today) return std::nullopt;
  return Challenge{day, challenge.data()[4]};
}

void ChallengeBook::expire(Clock::time_point now) {
  while (!order_.empty() && (now - order_.front().first > lifetime_ || order_.size() > capacity_ * 2 ||
                             issued_.size() > capacity_)) {
    auto it = issued_.find(order_.front().second);
    if (it != issued_.end() && it->second == order_.front().first) issued_.erase(it);
    order_.pop_front();
  }
}

Bytes ChallengeBook::issue(ChallengeKind kind, std::uint32_t today, std::uint8_t difficulty, Clock::time_point now) {
  Bytes c = issueChallenge(key_, kind, today, difficulty);
  std::string k(reinterpret_cast<const char*>(c.data()), c.size());
  issued_[k] = now;
  order_.emplace_back(now, std::move(k));
  expire(now);
  return c;
}

std::optional<Challenge> ChallengeBook::check(ChallengeKind kind, ByteView challenge, std::uint32_t today,
                                              Clock::time_point now) {
  expire(now);
  auto ours = checkChallenge(key_, kind, challenge, today);
  if (!ours) return std::nullopt;
  auto it = issued_.find(std::string(reinterpret_cast<const char*>(challenge.data()), challenge.size()));
  if (it == issued_.end() || now - it->second > lifetime_) return std::nullopt;
  return ours;
}

bool ChallengeBook::spend(ByteView challenge, Clock::time_point now) {
  expire(now);
  return issued_.erase(std::string(reinterpret_cast<const char*>(challenge.data()), challenge.size())) == 1;
}

}  // namespace gongyou::server
