// Protocol constants: signature labels, sizes and caps, each spelled once.
//
// Caps protect the relay (a cheap host on the open internet) and the analyst (who
// parses whatever a relay hands over) from memory and CPU exhaustion. Changing a
// label changes what signatures cover: old signatures stop verifying.
#pragma once

#include <cstddef>
#include <cstdint>

#include <capnp/message.h>

namespace gongyou::protocol {

// Domain-separation labels for Ed25519 signatures (crypto/sign.h).
inline constexpr char kBundleLabel[] = "gongyou/bundle/v1";
inline constexpr char kAckLabel[] = "gongyou/ack/v1";
// v2: the login names the relay's key, so a signature made for one relay is
// refused by every other (a hostile relay cannot log in elsewhere with it).
inline constexpr char kLoginLabel[] = "gongyou/login/v2";
// v2: over the Merkle root of a group commit's receipts (protocol/receipt.h).
inline constexpr char kReceiptLabel[] = "gongyou/receipt/v2";
inline constexpr char kGuidanceLabel[] = "gongyou/guidance/v1";

inline constexpr std::size_t kInboxIdSize = 16;   // random: keys carry no arrival order
inline constexpr std::size_t kMailboxSize = 32;
inline constexpr std::size_t kMaxCentreIdLength = 64;

// An envelope is an age file: a text-only report is 16,780 bytes to three
// recipients. Up to kMaxSubmitBytes it travels in one `submit` message; above
// (a report with attachments) it is uploaded in chunks of at most
// kUploadChunkBytes (Relay.beginUpload), so no RPC message ever grows with it.
// kMaxEnvelopeBytes covers 24 MiB of attachments + a 64 KiB report, padded
// (PADMÉ adds at most 512 KiB at that size) and encrypted (16 bytes per 64 KiB).
inline constexpr std::size_t kMaxSubmitBytes = 1 << 20;
inline constexpr std::size_t kMaxEnvelopeBytes = 26 << 20;
inline constexpr std::size_t kUploadChunkBytes = 1 << 20;
// Bytes of uploads in progress the relay holds in memory, all connections
// together (--upload-budget): 1,024 connections cannot pin 1,024 large envelopes.
inline constexpr std::size_t kDefaultUploadBudgetBytes = 256ull << 20;
// Proof of work for an upload: what the challenge asks plus one bit per doubling
// of the envelope above 2 MiB (at most 4, at the 26 MiB cap). Filling a relay's
// disk with uploads then costs, per megabyte, within a factor of two of what it
// cost with 1 MiB submissions; a worker's 24 MB report costs 16 times a text
// report's second of work (while its upload over Tor takes minutes anyway).
inline unsigned uploadPowBits(std::uint64_t size) {
  unsigned bits = 0;
  while (size > (std::uint64_t{2 * kMaxSubmitBytes} << bits)) ++bits;
  return bits;
}
inline constexpr unsigned kMaxUploadPowBits = 4;
// An upload not finished within this is dropped (its budget freed).
inline constexpr unsigned kUploadDeadlineSeconds = 15 * 60;
// …or longer for a large upload on a slow link: the deadline allows at least
// this many bytes a second over the whole envelope.
inline constexpr std::size_t kUploadMinBytesPerSecond = 4 * 1024;
inline constexpr std::size_t kMaxBundleBytes = 64 * 1024;
inline constexpr std::size_t kMaxReplyBytes = 64 * 1024;
// A centre's guidance (guidance.capnp): 29 categories in a dozen languages at
// about 1.5 KiB each fit with room; one text is a few sentences, not a manual.
inline constexpr std::size_t kMaxGuidanceBytes = 1 << 20;
inline constexpr std::size_t kMaxGuidanceTextBytes = 4096;
inline constexpr std::size_t kMaxGuidanceLanguages = 32;
inline constexpr std::size_t kMaxRecipients = 64;
inline constexpr std::size_t kMaxRelays = 16;

inline constexpr std::uint32_t kMaxListLimit = 1000;
inline constexpr std::size_t kMaxFetchIds = 64;
inline constexpr std::size_t kMaxAckIds = 10000;
inline constexpr std::size_t kMaxRepliesPerCall = 256;
// Proof of work a new centre's bundle asks for: 2^23 BLAKE2b hashes, ~1 s on the
// reference VM (bench_report) — a second for a worker, a day of CPU for a flooder
// wanting 100,000 junk reports.
inline constexpr std::uint8_t kDefaultPowDifficulty = 23;

// Replies one mailbox may hold: all of them together must fit one fetchReplies
// answer under the client's message limit (32 × 64 KiB = 2 MiB).
inline constexpr std::size_t kMaxRepliesPerMailbox = 32;
// A worker checks for an answer within weeks; after this the relay forgets it.
inline constexpr std::uint32_t kReplyRetentionDays = 90;

// One RPC message may carry at most one envelope plus framing, or one fetch
// batch. Above this the relay drops the connection before parsing the message.
inline constexpr std::uint64_t kMaxMessageWords = (2 * kMaxSubmitBytes + 1 * 1024 * 1024) / 8;
// One fetch answer must fit the courier's receive limit.
inline constexpr std::size_t kMaxFetchBytes = 2 * 1024 * 1024;
static_assert(kMaxFetchBytes + 512 * 1024 <= kMaxMessageWords * 8);
static_assert(kMaxSubmitBytes <= kMaxFetchBytes && kUploadChunkBytes <= kMaxFetchBytes);
static_assert(kMaxEnvelopeBytes <= (std::uint64_t{2 * kMaxSubmitBytes} << kMaxUploadPowBits));
// A batch file item carries one envelope of any size (the analyst's machine,
// reading a file it verifies whole, not the relay).
inline constexpr std::uint64_t kMaxBatchItemWords = (kMaxEnvelopeBytes + 1024 * 1024) / 8;
static_assert(kMaxRepliesPerMailbox * kMaxReplyBytes + 512 * 1024 <= kMaxMessageWords * 8);
// Real messages nest 4 deep; 16 leaves room for evolution, none for abuse.
inline constexpr int kMaxNesting = 16;

inline capnp::ReaderOptions readerOptions(std::uint64_t words = kMaxMessageWords) {
  capnp::ReaderOptions o;
  o.traversalLimitInWords = words;
  o.nestingLimit = kMaxNesting;
  return o;
}

// For a message already read whole within readerOptions() and kept to be read
// again (a pinned bundle, a checked entry): the traversal limit exists so that a
// hostile message cannot make one reading cost more than its size, and that was
// enforced when it was first read. Kept with its budget, it would run out after
// some thousands of readings in one long run (a batch of reports read the pinned
// bundle for each), failing honest work with "Exceeded message traversal limit".
inline capnp::ReaderOptions rereadOptions() {
  capnp::ReaderOptions o;
  o.traversalLimitInWords = UINT64_MAX;
  o.nestingLimit = kMaxNesting;
  return o;
}

}  // namespace gongyou::protocol
