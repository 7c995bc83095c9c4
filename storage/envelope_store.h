// Where the relay keeps envelopes: fixed-size slots at random places, each
// overwritten with zeros when its envelope is acknowledged.
//
// Why not LMDB: LMDB places each new value on the next free page, so the order
// of values in data.mdb is the order of arrival, and it never wipes a freed page,
// so every envelope ever acknowledged could be carved back out of the file. A
// seized relay must show only what it holds now and not in what order it came.
//
// Layout. One file per size class (DIR/<class bytes>.slots); classes are 2^k and
// 1.5 x 2^k bytes from 1 KiB to 32 MiB, so an envelope wastes under a third of
// its slot. A file is a header page, then one 128-byte record per slot, then the
// slots. It is created sparse at its full capacity (the budget divided by the
// class size), so it never grows while the relay runs (a larger budget at the
// next start moves the class to a larger file, every envelope to a new random
// slot, and so to a new id): a new envelope goes to a slot drawn uniformly
// at random from all the free slots of its class, and its place on disk says
// nothing of when it came. A record holds the centre's tag, the day, the size,
// a hash of the envelope (a crash between the two writes is caught on reading),
// and the submitter's proof-of-work stamp, all checked by a 16-byte hash over
// the record. Acknowledging writes zeros over the envelope and its record, in
// place, before the acknowledgement is answered.
//
// An id is class (1 byte) || slot (4, big-endian) || random (11): ids sort by
// place on disk, which is random, and the random part, checked against the
// record, makes an id unguessable and never the same for a slot's next envelope.
//
// What the overwrite does not stop: a copy-on-write file system (btrfs, ZFS) or
// an SSD's flash translation layer may keep the old blocks where no file reaches
// them; docs/relay.md says to use ext4 or XFS on an encrypted volume.
//
// Threads: reads (list, fetch, stats) on any thread, concurrently with writes;
// writes from one thread at a time (the relay's writer). A write batch (Pending)
// becomes visible to readers only at sync(), after fdatasync: a listed envelope
// is always a durable one.
//
// Failure modes: StoreFull when the budget or the class is exhausted or the disk
// is full (nothing written); std::system_error for other I/O errors; a file that
// is not a slot file of this version is a std::runtime_error at open.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "crypto/bytes.h"
#include "crypto/primitives.h"
#include "protocol/ack.h"

namespace gongyou::storage {

using protocol::InboxId;
using CentreTag = std::array<std::uint8_t, 16>;

class StoreFull : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

inline constexpr std::size_t kMaxStampBytes = 48;

struct InboxEntry {
  InboxId id{};
  std::uint32_t day = 0;
  std::uint32_t size = 0;
  Bytes stamp;  // as stored with it (see RelayStore: challenge || nonce)
};

struct StoredEnvelope {
  std::uint32_t day = 0;
  Bytes data;
  Bytes stamp;  // as stored with it (see RelayStore: challenge || nonce)
};

struct InboxStats {
  std::uint64_t count = 0, bytes = 0;
  std::uint32_t oldestDay = 0;
};

class EnvelopeStore {
 public:
  // Opens or creates the slot files in `dir` (created 0700 if missing). A class
  // file holds budgetBytes / class size slots, fixed when it is created.
  EnvelopeStore(const std::string& dir, std::uint64_t budgetBytes);
  ~EnvelopeStore();
  EnvelopeStore(const EnvelopeStore&) = delete;
  EnvelopeStore& operator=(const EnvelopeStore&) = delete;

  // ---- reads --------------------------------------------------------------
  // Up to `limit` of the centre's entries with id > after, in id order.
  std::vector<InboxEntry> list(const CentreTag& tag, ByteView after, std::uint32_t limit, bool& more) const;
  // nullopt for an unknown id, another centre's, one above maxBytes, or one
  // whose bytes do not match its record (torn by a crash before it was answered).
  std::optional<StoredEnvelope> fetch(const CentreTag& tag, const InboxId& id,
                                      std::size_t maxBytes = SIZE_MAX) const;
  // Bytes [offset, offset+length) of one envelope (fewer at its end); nullopt
  // for an unknown id. Not checked against the hash: the reader checks the whole.
  std::optional<Bytes> fetchRange(const CentreTag& tag, const InboxId& id, std::uint64_t offset,
                                  std::size_t length) const;
  InboxStats stats(const CentreTag& tag) const;

  // ---- writes (one thread) ------------------------------------------------
  struct Slot {
    std::uint8_t cls = 0;
    std::uint32_t slot = 0;
  };
  // What one write batch has done so far: slots it filled and emptied.
  struct Pending {
    struct Insert {
      Slot at;
      CentreTag tag;
      std::uint32_t day, size;
    };
    std::vector<Insert> inserts;
    std::vector<Slot> removed;
    std::vector<bool> touched;  // per class
  };
  std::unique_ptr<Pending> begin();
  // Writes the envelope to a random free slot of its class. `hash`, when the
  // caller has it, is BLAKE2b-256 of exactly these bytes (the relay computed it
  // to check the stamp: hashing megabytes again on the writer thread is waste);
  // without it the store computes it. Throws StoreFull (nothing written) or
  // std::system_error.
  InboxId insert(Pending& p, const CentreTag& tag, ByteView envelope, std::uint32_t day, ByteView stamp,
                 const crypto::Hash* hash = nullptr);
  // Overwrites the envelope and its record with zeros; false if no such envelope.
  bool remove(Pending& p, const CentreTag& tag, const InboxId& id);
  // fdatasync of every file written, then the batch is visible (inserts) and
  // its freed slots reusable. Throws std::system_error (then abandon()).
  void sync(Pending& p);
  // Undoes a batch that will not be answered: its inserts are zeroed and freed.
  void abandon(Pending& p) noexcept;

  using Record = std::array<std::uint8_t, 128>;  // one slot's record (layout in the .cpp)

  // The files (all, or those a batch wrote), for setting their times
  // (RelayStore) — never for writing.
  std::vector<int> fds() const;
  std::vector<int> fds(const Pending& p) const;

 private:
  struct SizeClass;
  std::optional<Slot> locate(const InboxId& id) const;
  // The slot of `id` if it holds a visible envelope of this centre under this id; its record in `r`.
  std::optional<Slot> visibleRecord(const CentreTag& tag, const InboxId& id, Record& r) const;
  void zero(SizeClass& c, std::uint32_t slot, std::uint64_t bytes);
  void grow(std::size_t cls, std::uint32_t capacity);

  std::string dir_;
  std::uint64_t budget_;
  mutable std::mutex mutex_;  // the bitmaps, the counters
  std::vector<std::unique_ptr<SizeClass>> classes_;
  std::uint64_t used_ = 0;  // bytes of slots taken (each counted at its class size)
  struct CentreCount {
    std::uint64_t count = 0, bytes = 0;
    std::map<std::uint32_t, std::uint64_t> days;  // day -> envelopes
  };
  std::map<CentreTag, CentreCount> centres_;
};

}  // namespace gongyou::storage
