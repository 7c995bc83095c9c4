#include "server/challenge.h"

#include <sodium.h>

#include "crypto/primitives.h"

namespace gongyou::server {
namespace {

constexpr std::size_t kRandomSize = 16, kTagSize = 16;

crypto::Hash tag(const Secret<32>& key, ChallengeKind kind, ByteView dayAndRandom) {
  Bytes in{static_cast<std::uint8_t>(kind)};
  append(in, dayAndRandom);
  return crypto::blake2bKeyed(key.view(), in);
}

}  // namespace

Bytes issueChallenge(const Secret<32>& key, ChallengeKind kind, std::uint32_t today) {
  Bytes c;
  appendBE<std::uint32_t>(c, today);
  c.resize(4 + kRandomSize);
  crypto::randomBytes(c.data() + 4, kRandomSize);
  auto t = tag(key, kind, c);
  c.insert(c.end(), t.begin(), t.begin() + kTagSize);
  return c;
}

std::optional<std::uint32_t> checkChallenge(const Secret<32>& key, ChallengeKind kind,
                                            ByteView challenge, std::uint32_t today) {
  if (challenge.size() != kChallengeSize) return std::nullopt;
  auto t = tag(key, kind, challenge.sub(0, 4 + kRandomSize));
  if (sodium_memcmp(t.data(), challenge.data() + 4 + kRandomSize, kTagSize) != 0) return std::nullopt;
  const std::uint32_t day = readU32BE(challenge.data());
  if (day > today || day + 1 < today) return std::nullopt;
  return day;
}

}  // namespace gongyou::server
