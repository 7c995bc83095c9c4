// The relay conversations every client has, written once: submit an envelope
// with a proof-of-work stamp, and log in as a centre's courier. Synchronous: each
// waits on the calling thread's event loop.
//
// Failure modes: a refusal by the relay or a broken connection throws
// kj::Exception whose description is the relay's one-line reason.
#pragma once

#include <kj/async.h>
#include <kj/timer.h>

#include <array>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "crypto/bytes.h"
#include "crypto/primitives.h"
#include "crypto/sign.h"
#include "protocol/ack.h"
#include "protocol/receipt.h"
#include "protocol/relay.capnp.h"

namespace gongyou::protocol {

// The relay's refusal of any call naming a centre it holds no bundle for: the
// relay was reached but does not know the centre (not pinned there).
inline constexpr char kUnknownCentre[] = "centre: unknown on this relay";


// A bound on each call's wait (a stalled Tor circuit must not hang a worker's
// tool forever). Without one, calls wait as long as the connection lives.
struct CallTimeout {
  kj::Timer& timer;
  kj::Duration limit;
  template <typename T>
  kj::Promise<T> operator()(kj::Promise<T>&& p) const { return timer.timeoutAfter(limit, kj::mv(p)); }
};

// Asks for a challenge, solves the centre's proof of work, submits: in one
// message up to kMaxSubmitBytes, above that as an upload in 1 MiB chunks. A
// refusal saying the challenge went stale (expired, forgotten by a restart, or
// outpriced by a surge while we worked) is answered once with a new challenge. Throws
// std::runtime_error if the relay demands a difficulty above the cap.
// `progress`, if given, hears (bytes acknowledged, total) after each uploaded
// chunk of a large envelope (a 24 MB upload over Tor takes minutes).
// `next`, if given, carries a challenge from one submission to the next on
// the same connection (Relay.submit's wantNext): used, then refilled from the
// answer; empty, a challenge is asked for as before.
using UploadProgress = std::function<void(std::size_t done, std::size_t total)>;
struct NextChallenge {
  Bytes challenge;
  unsigned difficulty = 0;
};
SubmitReceipt submitEnvelope(proto::Relay::Client& relay, kj::WaitScope& ws, const std::string& centre,
                             ByteView envelope, const CallTimeout* timeout = nullptr,
                             const UploadProgress& progress = {}, std::optional<NextChallenge>* next = nullptr);

// What a courier signs to log in: challenge || relay key || centre id (under
// kLoginLabel).
Bytes loginMessage(ByteView challenge, const crypto::SignPublicKey& relayKey, std::string_view centre);

// Logs in to the relay whose key is `relayKey` (from the bundle). Both calls of
// the login are bounded by `timeout` when given: a relay that never answers must
// not hold the courier back from the honest ones.
proto::Collector::Client loginCourier(proto::Relay::Client& relay, kj::WaitScope& ws,
                                      const std::string& centre, const crypto::SigningKey& courier,
                                      const crypto::SignPublicKey& relayKey, const CallTimeout* timeout = nullptr);

}  // namespace gongyou::protocol
