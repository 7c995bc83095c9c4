// A relay's receipt for a stored envelope, and the relay's signature on it.
//
// Each receipt is a leaf of a Merkle tree over the receipts of one group commit
// (crypto/merkle.h):
//   leaf = BLAKE2b-256(0x00 || envelope hash (32) || id (16) || day (u32 BE)
//                      || centre id)
// and the relay signs, once per commit, Ed25519 by the relay key
// (protocol/relay_endpoint.h) over
//   "gongyou/receipt/v2" 0x00 || root (32) || batch size (u32 BE)
// The receipt carries its leaf's index and the path to the root. So a receipt
// still names one envelope, one inbox entry, one day and one centre, and only
// the relay holding the key the centre's bundle lists can make it; the relay
// pays one signature per fsync instead of one per envelope. A reporter
// believes "stored" only when it verifies: a relay answering in another's
// place (on the path, or a seized host) gets the report queued, not dropped.
//
// What the path shows a reporter: how many envelopes (of any centre) this
// relay stored in the same commit, and hashes over the others' receipts,
// each keyed by a random id only the relay and that reporter know. Two
// receipts with the same root were stored at the same moment; reporters keep
// no receipt (the outbox drops the report), so there is nothing to compare.
//
// Failure modes: verifyReceipt is a bool, false for any missing or wrong
// signature or path; never throws. readReceipt throws std::runtime_error for
// a receipt of the wrong shape.
#pragma once

#include <array>
#include <cstdint>
#include <string_view>
#include <vector>

#include "crypto/primitives.h"
#include "crypto/sign.h"
#include "protocol/ack.h"
#include "protocol/relay.capnp.h"

namespace gongyou::protocol {

// Longest path a reporter accepts: a commit of 2^32 receipts.
inline constexpr std::size_t kMaxReceiptPath = 32;

struct SubmitReceipt {
  InboxId id{};
  std::uint32_t day = 0;
  crypto::Hash envelopeHash{};
  // Where this receipt sits in its commit's tree, and the relay's signature on the root.
  std::uint32_t index = 0, batchSize = 0;
  std::vector<crypto::Hash> path;
  crypto::Signature signature{};  // zero when the relay sent none
};

// The receipt's leaf in its commit's tree.
crypto::Hash receiptLeaf(const SubmitReceipt& r, std::string_view centre);

// Relay side: the signature over a commit's root.
crypto::Signature signReceiptRoot(const crypto::SigningKey& relayKey, const crypto::Hash& root,
                                  std::uint32_t batchSize);
void writeReceipt(const SubmitReceipt& r, proto::Receipt::Builder out);

// Client side: the receipt as received. Throws std::runtime_error for a receipt
// of the wrong shape or for another envelope than `expected`; the signature is
// copied as is (verifyReceipt judges it).
SubmitReceipt readReceipt(proto::Receipt::Reader r, const crypto::Hash& expected);

[[nodiscard]] bool verifyReceipt(const SubmitReceipt& r, std::string_view centre, const crypto::SignPublicKey& relayKey);

}  // namespace gongyou::protocol
