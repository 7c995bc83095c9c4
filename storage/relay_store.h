// The relay's LMDB store: ciphertext, a day bucket per item, and nothing else.
//
// Named databases:
//   meta       "schema" -> u32 version (checked at open), "challenge-key" -> 32 bytes
//   centres    centre id -> framed SignedBundle (the pinned identity is inside; the
//              caller verified it before putCentre)
//   inbox      tag16(centre) || random id16 -> day u32 || envelope. Random ids: the
//              key order says nothing about arrival order.
//   mailboxes  mailbox32 || random id16 -> day u32 || encrypted reply
//   replay     kind u8 || day u32 || hash32 -> "" (spent PoW stamps and login
//              challenges, as relays before the in-memory ChallengeBook kept
//              them; the relay writes none now and empties it at start)
// All integers big-endian. No address, port or time finer than a day is stored,
// because a seized relay must not be able to say who reported, or when to the minute.
//
// Threads: reads open their own read transaction (MDB_NOTLS) and never wait for
// the writer. Writes happen only in a Batch, one at a time per process (LMDB's
// single-writer lock also serialises other processes such as `add-centre`).
//
// Failure modes: lmdb::Error for I/O; lmdb::MapFull when the map (--map-size) is
// exhausted: the Batch is then dead, nothing of it is stored. SchemaMismatch when
// the database was written by an incompatible relay version.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "crypto/primitives.h"
#include "crypto/secret.h"
#include "protocol/ack.h"
#include "storage/lmdb.h"

namespace gongyou::storage {

inline constexpr std::uint32_t kRelaySchemaVersion = 1;

using protocol::InboxId;

class SchemaMismatch : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

enum class ReplayKind : std::uint8_t { PowStamp = 1, LoginChallenge = 2 };

struct InboxEntry {
  InboxId id{};
  std::uint32_t day = 0;
  std::uint32_t size = 0;
};

struct StoredEnvelope {
  std::uint32_t day = 0;
  Bytes data;
};

struct InboxStats {
  std::uint64_t count = 0, bytes = 0;
  std::uint32_t oldestDay = 0;
};

class RelayStore {
 public:
  // The relay's environment options: a map of `mapBytes`, and no read-ahead:
  // inbox keys are random, so every insert touches one random leaf page, and
  // read-ahead would pull the ciphertext pages around it from disk for nothing.
  static lmdb::EnvOptions options(std::size_t mapBytes) {
    lmdb::EnvOptions o;
    o.mapSize = mapBytes;
    o.flags |= MDB_NORDAHEAD;
    return o;
  }

  // Opens or creates the store in the existing directory `dir`.
  explicit RelayStore(const std::string& dir, const lmdb::EnvOptions& opts = options(std::size_t{1} << 30));

  // Relay-local key for the tags on its challenges. Not a reporter secret: it
  // only lets the relay recognise challenges it issued, statelessly.
  const Secret<32>& challengeKey() const { return challengeKey_; }

  // ---- reads (any thread) -------------------------------------------------
  std::optional<Bytes> centreBundle(std::string_view centre);
  std::vector<std::string> centreIds();
  // Up to `limit` entries with id > after (after empty: from the start).
  std::vector<InboxEntry> list(std::string_view centre, ByteView after, std::uint32_t limit,
                               bool& more);
  // nullopt also for an envelope above `maxBytes`, which is then not copied.
  std::optional<StoredEnvelope> fetch(std::string_view centre, const InboxId& id,
                                      std::size_t maxBytes = SIZE_MAX);
  // Bytes [offset, offset+length) of one envelope, fewer at its end, none past
  // it; nullopt for an unknown id. Copies only the range (large envelopes are
  // read a megabyte at a time).
  std::optional<Bytes> fetchRange(std::string_view centre, const InboxId& id, std::uint64_t offset,
                                  std::size_t length);
  struct StoredReply {
    std::uint32_t day = 0;  // the day it was filed
    Bytes envelope;
  };
  std::vector<StoredReply> replies(ByteView mailbox);
  InboxStats stats(std::string_view centre);

  // ---- writes -------------------------------------------------------------
  // One write transaction. Destroying a Batch without commit() stores nothing.
  class Batch {
   public:
    explicit Batch(RelayStore& store) : s_(store), txn_(lmdb::Txn::write(store.env_)) {}
    // Inside this transaction: sees the batch's own earlier writes.
    std::optional<Bytes> centreBundle(std::string_view centre);
    void putCentre(std::string_view centre, ByteView framedBundle);
    // Records `hash` for `day`; false (and nothing changes) if it was already there.
    bool remember(ReplayKind kind, std::uint32_t day, const crypto::Hash& hash);
    InboxId insert(std::string_view centre, ByteView envelope, std::uint32_t day);
    bool remove(std::string_view centre, const InboxId& id);
    void addReply(ByteView mailbox, ByteView envelope, std::uint32_t day);
    std::size_t replyCount(ByteView mailbox);
    // Drops replies filed before `firstKeptDay`; returns how many.
    std::size_t expireReplies(std::uint32_t firstKeptDay);
    // Drops replay entries of days before `firstKeptDay`; returns how many.
    std::size_t expireReplay(std::uint32_t firstKeptDay);
    // Durable when it returns (fsync, unless the Env was opened MDB_NOSYNC).
    void commit() { txn_.commit(); }

   private:
    RelayStore& s_;
    lmdb::Txn txn_;
  };

  lmdb::Env& env() { return env_; }

  // Bytes free to this process on the store's filesystem (statvfs); UINT64_MAX
  // if it cannot be told. LMDB reports a disk that filled up mid-commit as a
  // short write (EIO), not ENOSPC: the writer asks this to tell the two apart.
  std::uint64_t freeDiskBytes() const;

 private:
  std::string dir_;
  lmdb::Env env_;
  lmdb::Dbi meta_, centres_, inbox_, mailboxes_, replay_;
  Secret<32> challengeKey_;
};

}  // namespace gongyou::storage
