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

}  // namespace gongyou::server
