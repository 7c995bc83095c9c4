// Report → Cap'n Proto → padding → age to every current recipient → proof of
// work → submit, failing over across the centre's relays; when none can be
// reached, the envelope (ciphertext only) waits in the outbox.
//
// Nothing of the report outlives these calls in clear: the serialized report and
// its padded form live in guarded memory and are wiped; the reply code is
// returned for the caller to show once and is never stored.
#pragma once

#include <kj/async-io.h>

#include <optional>
#include <stdexcept>
#include <string>

#include "protocol/relays.h"
#include "client/evidence.h"
#include "client/secret_message.h"
#include "client/state.h"
#include "crypto/recipient.h"
#include "crypto/reply_code.h"
#include "protocol/relay_calls.h"
#include "protocol/report.capnp.h"

namespace gongyou::client {

// The report failed validation; the text names the field. Nothing was encrypted.
class InvalidReport : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// The pinned bundle has no recipient valid today (or has expired): the keys
// must be refreshed from a relay before anything can be encrypted.
class KeysExpired : public std::runtime_error {
 public:
  KeysExpired() : std::runtime_error("the centre's keys on this computer have expired") {}
};

// Whether the pinned bundle can encrypt a report today.
bool hasCurrentKeys(const Pinned& pinned, std::uint32_t today);

struct Sealed {
  Bytes envelope;
  std::optional<crypto::ReplyCode> replyCode;  // absent when no reply was wanted
};

// Validates the Report in `report`, sets its replyKey (from a fresh reply code)
// unless `wantReply` is false, lists `evidence` in it, and encrypts the report and
// the files after it to the pinned bundle's recipients valid today. Throws
// InvalidReport, or KeysExpired (callers check hasCurrentKeys first).
Sealed seal(const Pinned& pinned, SecretMessage& report, bool wantReply, const std::vector<Evidence>& evidence = {});

// The encryption step of seal(): the framed Report `message`, then each file,
// padded (crypto/padding) and age-encrypted to `to` as one stream.
Bytes encryptReport(const std::vector<const age::Recipient*>& to, ByteView message,
                    const std::vector<Evidence>& evidence);

struct Delivery {
  bool delivered = false;
  std::string relay;                 // when delivered
  protocol::SubmitReceipt receipt;   // when delivered
  std::string queued;                // outbox path when not delivered
  std::string why;                   // why not delivered
  bool unproven = false;             // a relay answered but could not prove itself
};

// Submits `envelope` to the pinned centre over `relays` (a session on
// relaysOf(pinned): one connection for a whole batch); delivered only on a
// receipt signed by that relay's key from the bundle. On failure everywhere
// (unreachable, refused, or unproven), queues it in the outbox. `progress`: see protocol::submitEnvelope (large
// envelopes only).
Delivery deliver(ReporterState& state, const Pinned& pinned, protocol::RelaySession& relays, ByteView envelope,
                 kj::AsyncIoContext& io, const protocol::UploadProgress& progress = {});

struct FlushResult {
  std::size_t delivered = 0, waiting = 0;
  std::string why;  // the last failure, when something is still waiting
  bool unproven = false;  // a relay answered but could not prove itself
};

// Retries every envelope in the pinned centre's outbox (over its own relays only); each one is removed only after a relay's
// receipt for it. (If a receipt is lost after the relay stored the envelope, the
// next flush sends it again; both copies have one envelope hash, and the
// analyst keeps one.)
// Stops trying (the rest counted as waiting) once the session finds no relay at all.
FlushResult flush(ReporterState& state, const Pinned& pinned, protocol::RelaySession& relays, kj::AsyncIoContext& io);

}  // namespace gongyou::client
