// A proof-of-work stamp for an envelope a test puts in a collected batch by
// hand, as a relay would have listed it: the import checks it.
#pragma once

#include <stdexcept>
#include <string_view>

#include "crypto/pow.h"
#include "protocol/batch.capnp.h"
#include "protocol/limits.h"

namespace gongyou::test {

inline void stampEnvelope(proto::CollectedEnvelope::Builder env, std::string_view centre, ByteView data,
                          unsigned difficulty) {
  static const Bytes challenge(36, 0x11);  // the centre does not know the relay's challenges: any will do
  crypto::PowInput in{challenge, centre, crypto::blake2b(data)};
  auto nonce = crypto::powSolve(in, difficulty + protocol::uploadPowBits(data.size()));
  if (!nonce) throw std::runtime_error("no stamp at that difficulty");
  auto s = env.initStamp();
  s.setChallenge(kj::arrayPtr(challenge.data(), challenge.size()));
  s.setNonce(*nonce);
}

}  // namespace gongyou::test
