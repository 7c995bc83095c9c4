// The relay's store: envelopes in slot files (storage/envelope_store.h), and in
// LMDB the few things that are not envelopes, each with a day bucket and
// nothing else.
//
// Named databases:
//   meta       "schema" -> u32 version (checked at open), "challenge-key" -> 32 bytes
//   centres    centre id -> framed SignedBundle (the pinned identity is inside; the
//              caller verified it before putCentre)
//   mailboxes  mailbox32 || random id16 -> day u32 || encrypted reply
// Envelopes:   DATA/envelopes/, each with its stamp (challenge || nonce, u64
//              little-endian) so that the centre can check the work was done.
// All integers big-endian. No address, port or time finer than a day is stored,
// because a seized relay must not be able to say who reported, or when to the
// minute; the files' modification and access times are set to the day's first
// second after every write, and envelope slot files are opened O_NOATIME.
//
// Schema 1 (relays before the slot files) kept envelopes in an LMDB `inbox` and
// spent stamps in `replay`: opening one moves its envelopes into slots, drops
// both, and rewrites data.mdb compacted over a zeroed old file, so nothing of
// them stays in LMDB's free pages.
//
// Locking: LMDB runs without its lock file (MDB_NOLOCK), because a reader
// writes its slot in lock.mdb and so dates every read to the second. Instead,
// transactions of this process take a shared mutex (readers shared, the one
// writer exclusive: no reader spans a write, as MDB_NOLOCK requires), and every
// process holds flock() on the data directory while it has one open, so
// `add-centre` and a running relay take turns.
//
// Threads: reads on any thread. Writes happen only in a Batch, one at a time.
//
// Failure modes: lmdb::Error for I/O; lmdb::MapFull when LMDB's map (--map-size)
// is exhausted: the Batch is then dead, nothing of it is stored; StoreFull from
// insert() (before anything is written) when the envelope budget or disk is full.
// SchemaMismatch when the database was written by an incompatible relay version.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "crypto/primitives.h"
#include "crypto/secret.h"
#include "protocol/ack.h"
#include "storage/envelope_store.h"
#include "storage/lmdb.h"

namespace gongyou::storage {

inline constexpr std::uint32_t kRelaySchemaVersion = 2;

class SchemaMismatch : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class RelayStore {
 public:
  // The relay's environment options: a map of `mapBytes` (also the budget of
  // envelope bytes), no read-ahead (mailbox keys are random), no lock file.
  static lmdb::EnvOptions options(std::size_t mapBytes) {
    lmdb::EnvOptions o;
    o.mapSize = mapBytes;
    o.flags |= MDB_NORDAHEAD | MDB_NOLOCK;
    return o;
  }

  // Opens or creates the store in the existing directory `dir`; waits while
  // another process has it open for a write.
  explicit RelayStore(const std::string& dir, const lmdb::EnvOptions& opts = options(std::size_t{1} << 30));
  ~RelayStore();

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
    explicit Batch(RelayStore& store);
    ~Batch();
    // Inside this transaction: sees the batch's own earlier writes.
    std::optional<Bytes> centreBundle(std::string_view centre);
    void putCentre(std::string_view centre, ByteView framedBundle);
    // `stamp`: what the submitter's proof of work was (at most kMaxStampBytes);
    // `hash`: the envelope's BLAKE2b-256 if the caller has it (EnvelopeStore::insert).
    InboxId insert(std::string_view centre, ByteView envelope, std::uint32_t day, ByteView stamp,
                   const crypto::Hash* hash = nullptr);
    bool remove(std::string_view centre, const InboxId& id);
    void addReply(ByteView mailbox, ByteView envelope, std::uint32_t day);
    std::size_t replyCount(ByteView mailbox);
    // Drops replies filed before `firstKeptDay`; returns how many.
    std::size_t expireReplies(std::uint32_t firstKeptDay);
    // Durable when it returns (fsync, unless the Env was opened MDB_NOSYNC).
    void commit();

   private:
    lmdb::Txn& txn();  // LMDB's write transaction, begun when first needed
    void endTxn();
    RelayStore& s_;
    std::unique_lock<std::shared_mutex> exclusive_;
    std::optional<lmdb::Txn> txn_;
    std::unique_ptr<EnvelopeStore::Pending> envelopes_;
  };

  // Bytes free to this process on the store's filesystem (statvfs); UINT64_MAX
  // if it cannot be told. LMDB reports a disk that filled up mid-commit as a
  // short write (EIO), not ENOSPC: the writer asks this to tell the two apart.
  std::uint64_t freeDiskBytes() const;

  // Sets the modification and access times of every file and directory of the
  // store to today's first second (after anything outside the store, such as
  // the relay's key, has been written there).
  void settleTimes();
  // The same for the files written while running, at a moment of no write
  // (see server::Writer): their change times then date this moment.
  void coverTimes();

 private:
  class ProcessLock;
  struct Reading;
  void migrateSchema1(lmdb::Txn& txn);
  void compact(const lmdb::EnvOptions& opts);
  void settleWritten(bool lmdbWritten, const std::vector<int>& slotFiles);

  std::string dir_;
  std::unique_ptr<ProcessLock> processLock_;
  std::shared_mutex mutex_;
  std::unique_ptr<lmdb::Env> env_;
  lmdb::Dbi meta_, centres_, mailboxes_;
  Secret<32> challengeKey_;
  std::unique_ptr<EnvelopeStore> envelopes_;
  int dataFd_ = -1;  // data.mdb, for its times
};

}  // namespace gongyou::storage
