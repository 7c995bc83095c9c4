// Shared by the fuzz harnesses and the seed generator: fixed keys (so a seed
// made once stays meaningful to every later run), a fixed "today", and a
// centre built from them.
//
// These keys are public test material: nothing outside tests/fuzz uses them.
#pragma once

#include <capnp/serialize.h>
#include <kj/array.h>

#include <cstdint>
#include <cstring>

#include "crypto/bytes.h"
#include "crypto/sign.h"
#include "crypto/x25519.h"
#include "support/centre.h"

namespace gongyou::fuzz {

// 2026-11-24, the day the seeds were made: bundles and reports in the corpus are
// checked against this day, so they stay valid however old the corpus gets.
inline constexpr std::uint32_t kFuzzDay = 20781;
inline constexpr char kFuzzCentreId[] = "fuzz-centre";

inline Bytes fixedSeed(std::uint8_t fill) { return Bytes(32, fill); }

inline age::X25519Identity analystKey() {
  Secret<32> s;
  std::memset(s.data(), 0x42, 32);
  return age::X25519Identity::fromScalar(std::move(s));
}

// A test centre whose keys are fixed; `today` sets its validity window.
inline test::Centre centre(std::uint32_t today = kFuzzDay) {
  test::Centre c;
  c.id = kFuzzCentreId;
  c.identity = crypto::SigningKey::fromSeed(fixedSeed(0x11));
  c.courier = crypto::SigningKey::fromSeed(fixedSeed(0x22));
  c.analyst = analystKey();
  c.difficulty = 1;
  c.issuedDay = today - 1;
  c.expiresDay = today + 90;
  return c;
}

// libFuzzer's data has no alignment; Cap'n Proto readers need 8-byte words.
inline kj::Array<capnp::word> words(const std::uint8_t* data, std::size_t size) {
  auto w = kj::heapArray<capnp::word>(size / sizeof(capnp::word));
  if (w.size()) std::memcpy(w.begin(), data, w.asBytes().size());
  return w;
}

}  // namespace gongyou::fuzz
