#include "crypto/pow.h"

#include <cstring>

#include "crypto/format.h"

namespace gongyou::crypto {
namespace {

void absorbFramed(crypto_generichash_state& st, ByteView v) {
  std::uint8_t len[4];
  const auto n = static_cast<std::uint32_t>(v.size());
  for (int i = 0; i < 4; ++i) len[i] = static_cast<std::uint8_t>(n >> (24 - 8 * i));
  crypto_generichash_update(&st, len, sizeof len);
  crypto_generichash_update(&st, v.data(), v.size());
}

// The state after everything but the nonce; solving copies it per attempt.
crypto_generichash_state prefixState(const PowInput& in) {
  sodiumInit();
  crypto_generichash_state st;
  crypto_generichash_init(&st, nullptr, 0, format::kHashSize);
  crypto_generichash_update(&st, reinterpret_cast<const std::uint8_t*>(format::kPowLabel),
                            sizeof format::kPowLabel);  // includes the terminating 0x00
  absorbFramed(st, in.challenge);
  absorbFramed(st, ByteView(in.centre));
  crypto_generichash_update(&st, in.envelopeHash.data(), in.envelopeHash.size());
  return st;
}

Hash finish(crypto_generichash_state st, std::uint64_t nonce) {
  std::uint8_t le[8];
  for (int i = 0; i < 8; ++i) le[i] = static_cast<std::uint8_t>(nonce >> (8 * i));
  crypto_generichash_update(&st, le, sizeof le);
  Hash h{};
  crypto_generichash_final(&st, h.data(), h.size());
  return h;
}

}  // namespace

Hash powHash(const PowInput& in, std::uint64_t nonce) { return finish(prefixState(in), nonce); }

unsigned leadingZeroBits(const Hash& h) {
  unsigned n = 0;
  for (std::uint8_t b : h) {
    if (b == 0) {
      n += 8;
      continue;
    }
    while ((b & 0x80) == 0) {
      ++n;
      b = static_cast<std::uint8_t>(b << 1);
    }
    break;
  }
  return n;
}

bool powCheck(const PowInput& in, std::uint64_t nonce, unsigned difficulty) {
  return leadingZeroBits(powHash(in, nonce)) >= difficulty;
}

std::optional<std::uint64_t> powSolve(const PowInput& in, unsigned difficulty, unsigned cap) {
  if (difficulty > cap) return std::nullopt;
  const crypto_generichash_state prefix = prefixState(in);
  std::uint64_t nonce;
  randomBytes(reinterpret_cast<std::uint8_t*>(&nonce), sizeof nonce);
  for (;; ++nonce)
    if (leadingZeroBits(finish(prefix, nonce)) >= difficulty) return nonce;
}

}  // namespace gongyou::crypto
