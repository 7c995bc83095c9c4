// A relay's receipt for a stored envelope, and the relay's signature on it.
//
// The signature is Ed25519 by the relay key (protocol/relay_endpoint.h) over
//   "gongyou/receipt/v1" 0x00 || envelope hash (32) || id (16) || day (u32 BE)
//   || centre id
// so a receipt names one envelope, one inbox entry, one day and one centre, and
// only the relay holding the key the centre's bundle lists can make it. A
// reporter believes "stored" only when it verifies: a relay answering in
// another's place (on the path, or a seized host) gets the report queued, not
// dropped.
//
// Failure modes: verifyReceipt is a bool, false for any missing or wrong
// signature; never throws.
#pragma once

#include <array>
#include <cstdint>
#include <string_view>

#include "crypto/primitives.h"
#include "crypto/sign.h"
#include "protocol/ack.h"
#include "protocol/relay.capnp.h"

namespace gongyou::protocol {

struct SubmitReceipt {
  InboxId id{};
  std::uint32_t day = 0;
  crypto::Hash envelopeHash{};
  crypto::Signature signature{};  // zero when the relay sent none
};

Bytes receiptMessage(const SubmitReceipt& r, std::string_view centre);

// Relay side: fills `out` (id, day, hash, signature by `relayKey`).
void signReceipt(const crypto::SigningKey& relayKey, std::string_view centre, const SubmitReceipt& r,
                 proto::Receipt::Builder out);

// Client side: the receipt as received. Throws std::runtime_error for a receipt
// of the wrong shape or for another envelope than `expected`; the signature is
// copied as is (verifyReceipt judges it).
SubmitReceipt readReceipt(proto::Receipt::Reader r, const crypto::Hash& expected);

[[nodiscard]] bool verifyReceipt(const SubmitReceipt& r, std::string_view centre, const crypto::SignPublicKey& relayKey);

}  // namespace gongyou::protocol
