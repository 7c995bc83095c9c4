// The relay's RPC objects: RelayImpl (the anonymous bootstrap capability) and
// CollectorImpl (one centre's authority, handed out only by a verified login).
//
// Every request is checked before anything changes: sizes against
// protocol/limits.h, key lengths, the centre's existence, signatures and proofs
// of work. A refused request fails with a one-line reason and leaves the store
// untouched. Reads are answered from their own read transactions on the RPC
// thread; every write goes through the Writer and is answered after it is durable.
#pragma once

#include "crypto/sign.h"
#include <kj/timer.h>

#include <chrono>

#include "protocol/limits.h"
#include "protocol/relay.capnp.h"
#include "server/challenge.h"
#include "server/metrics.h"
#include "server/pow_governor.h"
#include "server/writer.h"
#include "storage/relay_store.h"

namespace gongyou::server {

// Bytes of uploads in progress, all connections together (RPC thread only),
// charged as they arrive: an upload begun and never fed holds nothing.
struct UploadBudget {
  std::size_t capacity = protocol::kDefaultUploadBudgetBytes;
  std::size_t used = 0;
  // An upload with no chunk arriving for this long is abandoned (its bytes
  // freed), whatever its deadline: a slow honest link (Snowflake, ~9 KB/s)
  // brings a 1 MiB chunk in about two minutes.
  std::chrono::seconds stall{300};
};

struct RelayContext {
  storage::RelayStore& store;
  Writer& writer;
  Metrics& metrics;
  const crypto::SigningKey& relayKey;  // signs receipts; named in courier logins
  ChallengeBook& challenges;           // open proof-of-work and login challenges, in memory
  kj::Timer& timer;                    // upload deadlines and stalls
  PowGovernor pow{};  // the proof-of-work surge under load
  UploadBudget uploads{};
};

// The bootstrap capability. `ctx` must outlive every capability derived from it.
proto::Relay::Client makeRelay(RelayContext& ctx);

}  // namespace gongyou::server
