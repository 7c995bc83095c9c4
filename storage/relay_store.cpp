#include "storage/relay_store.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <system_error>

#include "protocol/day.h"
#include "protocol/limits.h"
#include "storage/file.h"

namespace gongyou::storage {
namespace {

constexpr std::size_t kTagSize = 16;
constexpr char kSchemaKey[] = "schema";
constexpr char kChallengeKeyKey[] = "challenge-key";

// A fixed-size name for a centre's envelopes, so that every record has one length.
CentreTag centreTag(std::string_view centre) {
  auto h = crypto::blake2b(ByteView(centre));
  CentreTag t;
  static_assert(sizeof t == kTagSize);
  std::memcpy(t.data(), h.data(), t.size());
  return t;
}

// Midnight UTC of today, for both times of a file.
void setDayTimes(int fd) {
  const timespec day{static_cast<time_t>(protocol::today()) * 86400, 0};
  const timespec times[2] = {day, day};
  ::futimens(fd, times);  // best effort: a file we cannot touch keeps its times
}

lmdb::EnvOptions withoutLockFile(lmdb::EnvOptions o) {
  o.flags |= MDB_NOLOCK;
  return o;
}

void settleTree(const std::string& path) {
  const int fd = openNoAtime(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
  if (fd < 0) return;
  struct stat st {};
  if (::fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
    for (const auto& d : listDirs(path)) settleTree(path + "/" + d);
    for (const auto& f : listFiles(path, "")) settleTree(f);
  }
  setDayTimes(fd);
  ::close(fd);
}

}  // namespace

// flock() on the data directory while any transaction of this process is
// open: other processes (add-centre) wait for a moment without one.
class RelayStore::ProcessLock {
 public:
  explicit ProcessLock(const std::string& dir) : fd_(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC)) {
    if (fd_ < 0) throw std::system_error(errno, std::generic_category(), "open " + dir);
  }
  ~ProcessLock() { ::close(fd_); }
  void acquire() {
    std::lock_guard<std::mutex> lock(m_);
    if (holders_++ == 0)
      while (::flock(fd_, LOCK_EX) != 0 && errno == EINTR) {
      }
  }
  void release() {
    std::lock_guard<std::mutex> lock(m_);
    if (--holders_ == 0) ::flock(fd_, LOCK_UN);
  }

 private:
  int fd_;
  std::mutex m_;
  unsigned holders_ = 0;
};

namespace {
// A read of LMDB: shared within the process, exclusive across processes.
template <typename Lock>
struct Held {
  Lock& lock;
  explicit Held(Lock& l) : lock(l) { lock.acquire(); }
  ~Held() { lock.release(); }
};
}  // namespace

RelayStore::RelayStore(const std::string& dir, const lmdb::EnvOptions& opts)
    : dir_(dir), processLock_(std::make_unique<ProcessLock>(dir)) {
  Held<ProcessLock> held(*processLock_);
  // Before MDB_NOLOCK: a relay of schema 1 left LMDB's lock file, whose reader
  // table dates its last reads.
  if (fileExists(dir + "/lock.mdb")) removeFile(dir + "/lock.mdb");
  env_ = std::make_unique<lmdb::Env>(dir, withoutLockFile(opts));
  envelopes_ = std::make_unique<EnvelopeStore>(dir + "/envelopes", opts.mapSize);
  bool compactNow = false;
  {
    auto txn = lmdb::Txn::write(*env_);
    meta_ = lmdb::Dbi::open(txn, "meta");
    centres_ = lmdb::Dbi::open(txn, "centres");
    mailboxes_ = lmdb::Dbi::open(txn, "mailboxes");
    if (auto v = lmdb::get(txn, meta_, kSchemaKey)) {
      const std::uint32_t version = v->size() == 4 ? readU32BE(v->data()) : 0;
      if (version == 1) {
        migrateSchema1(txn);
        compactNow = true;
      } else if (version != kRelaySchemaVersion) {
        throw SchemaMismatch("relay database schema " + (version ? std::to_string(version) : std::string("?")) +
                             ", this relay understands " + std::to_string(kRelaySchemaVersion));
      }
    }
    Bytes b;
    appendBE<std::uint32_t>(b, kRelaySchemaVersion);
    lmdb::put(txn, meta_, kSchemaKey, b);
    if (auto k = lmdb::get(txn, meta_, kChallengeKeyKey); k && k->size() == challengeKey_.size()) {
      std::memcpy(challengeKey_.data(), k->data(), k->size());
    } else {
      crypto::randomBytes(challengeKey_.data(), challengeKey_.size());
      lmdb::put(txn, meta_, kChallengeKeyKey, challengeKey_.view());
    }
    txn.commit();
  }
  if (compactNow) compact(opts);
  dataFd_ = openNoAtime(dir + "/data.mdb", O_RDONLY | O_CLOEXEC);
  settleTimes();
}

RelayStore::~RelayStore() {
  if (dataFd_ >= 0) ::close(dataFd_);
}

void RelayStore::migrateSchema1(lmdb::Txn& txn) {
  // The schema-1 inbox: tag16 || id16 -> day u32 || envelope. Its envelopes
  // move into slots (they carry no stamp: the centre sets them aside for a
  // look, see docs/relay.md); inbox and replay go.
  auto inbox = lmdb::Dbi::open(txn, "inbox");
  auto p = envelopes_->begin();
  {
    lmdb::Cursor cur(txn, inbox);
    ByteView k, v;
    for (bool ok = cur.first(k, v); ok; ok = cur.next(k, v)) {
      if (k.size() != kTagSize + protocol::kInboxIdSize || v.size() < 4) continue;
      CentreTag tag;
      std::memcpy(tag.data(), k.data(), tag.size());
      envelopes_->insert(*p, tag, v.sub(4, v.size() - 4), readU32BE(v.data()), ByteView());
    }
  }
  envelopes_->sync(*p);
  for (const char* name : {"inbox", "replay"}) {
    auto db = lmdb::Dbi::open(txn, name);
    if (int rc = mdb_drop(txn.get(), db.handle, 1); rc != 0) throw lmdb::Error("mdb_drop", rc);
  }
}

void RelayStore::compact(const lmdb::EnvOptions& opts) {
  // What was deleted is still in data.mdb's free pages: copy the live pages
  // out, zero the old file in place, and put the copy where it was.
  const std::string copyDir = dir_ + "/compact.tmp";
  makeDirs(copyDir);
  env_->copyCompact(copyDir);
  env_.reset();
  const std::string old = dir_ + "/data.mdb";
  {
    const int fd = ::open(old.c_str(), O_WRONLY | O_CLOEXEC);
    if (fd < 0) throw std::system_error(errno, std::generic_category(), "open " + old);
    struct stat st {};
    ::fstat(fd, &st);
    try {
      writeZerosAt(fd, 0, static_cast<std::uint64_t>(st.st_size));
    } catch (const std::system_error&) {
      // As far as it went: the compacted copy replaces it either way.
    }
    ::fdatasync(fd);
    ::close(fd);
  }
  renameFile(copyDir + "/data.mdb", old);
  ::rmdir(copyDir.c_str());
  env_ = std::make_unique<lmdb::Env>(dir_, withoutLockFile(opts));
}

void RelayStore::settleTimes() { settleTree(dir_); }

void RelayStore::coverTimes() { settleWritten(true, envelopes_->fds()); }

void RelayStore::settleWritten(bool lmdbWritten, const std::vector<int>& slotFiles) {
  if (lmdbWritten && dataFd_ >= 0) setDayTimes(dataFd_);
  for (int fd : slotFiles) setDayTimes(fd);
}

// A read of LMDB: shared with this process's other readers, never during a write.
struct RelayStore::Reading {
  std::shared_lock<std::shared_mutex> shared;
  Held<ProcessLock> held;
  explicit Reading(RelayStore& s) : shared(s.mutex_), held(*s.processLock_) {}
};

std::optional<Bytes> RelayStore::centreBundle(std::string_view centre) {
  Reading reading(*this);
  auto txn = lmdb::Txn::read(*env_);
  if (auto v = lmdb::get(txn, centres_, ByteView(centre))) return v->copy();
  return std::nullopt;
}

std::vector<std::string> RelayStore::centreIds() {
  Reading reading(*this);
  auto txn = lmdb::Txn::read(*env_);
  lmdb::Cursor cur(txn, centres_);
  std::vector<std::string> ids;
  ByteView k, v;
  for (bool ok = cur.first(k, v); ok; ok = cur.next(k, v)) ids.emplace_back(k.str());
  return ids;
}

std::vector<InboxEntry> RelayStore::list(std::string_view centre, ByteView after, std::uint32_t limit, bool& more) {
  return envelopes_->list(centreTag(centre), after, limit, more);
}

std::optional<StoredEnvelope> RelayStore::fetch(std::string_view centre, const InboxId& id, std::size_t maxBytes) {
  return envelopes_->fetch(centreTag(centre), id, maxBytes);
}

std::optional<Bytes> RelayStore::fetchRange(std::string_view centre, const InboxId& id, std::uint64_t offset,
                                            std::size_t length) {
  return envelopes_->fetchRange(centreTag(centre), id, offset, length);
}

std::vector<RelayStore::StoredReply> RelayStore::replies(ByteView mailbox) {
  std::vector<StoredReply> out;
  Reading reading(*this);
  auto txn = lmdb::Txn::read(*env_);
  lmdb::Cursor cur(txn, mailboxes_);
  ByteView k, v;
  for (bool ok = cur.seek(mailbox, k, v); ok && k.startsWith(mailbox); ok = cur.next(k, v))
    out.push_back({readU32BE(v.data()), v.sub(4, v.size() - 4).copy()});
  return out;
}

InboxStats RelayStore::stats(std::string_view centre) { return envelopes_->stats(centreTag(centre)); }

RelayStore::Batch::Batch(RelayStore& store) : s_(store), envelopes_(store.envelopes_->begin()) {}

RelayStore::Batch::~Batch() {
  if (envelopes_) s_.envelopes_->abandon(*envelopes_);
  endTxn();
}

void RelayStore::Batch::endTxn() {
  if (!txn_) return;
  txn_.reset();  // aborts unless committed
  s_.processLock_->release();
  exclusive_.unlock();
}

lmdb::Txn& RelayStore::Batch::txn() {
  if (!txn_) {
    exclusive_ = std::unique_lock<std::shared_mutex>(s_.mutex_);
    s_.processLock_->acquire();
    try {
      txn_.emplace(lmdb::Txn::write(*s_.env_));
    } catch (...) {
      s_.processLock_->release();
      throw;
    }
  }
  return *txn_;
}

void RelayStore::Batch::commit() {
  // LMDB first: if it fails, the envelopes (not yet visible) are undone with
  // it. Then the slot files' fdatasync; only after both is anything answered.
  const bool lmdbWritten = txn_.has_value();
  if (txn_) txn_->commit();
  endTxn();
  const auto written = s_.envelopes_->fds(*envelopes_);
  s_.envelopes_->sync(*envelopes_);
  envelopes_.reset();
  s_.settleWritten(lmdbWritten, written);
}

std::optional<Bytes> RelayStore::Batch::centreBundle(std::string_view centre) {
  if (auto v = lmdb::get(txn(), s_.centres_, ByteView(centre))) return v->copy();
  return std::nullopt;
}

void RelayStore::Batch::putCentre(std::string_view centre, ByteView framedBundle) {
  lmdb::put(txn(), s_.centres_, ByteView(centre), framedBundle);
}

InboxId RelayStore::Batch::insert(std::string_view centre, ByteView envelope, std::uint32_t day, ByteView stamp,
                                  const crypto::Hash* hash) {
  return s_.envelopes_->insert(*envelopes_, centreTag(centre), envelope, day, stamp, hash);
}

bool RelayStore::Batch::remove(std::string_view centre, const InboxId& id) {
  return s_.envelopes_->remove(*envelopes_, centreTag(centre), id);
}

void RelayStore::Batch::addReply(ByteView mailbox, ByteView envelope, std::uint32_t day) {
  Bytes k = mailbox.copy();
  Bytes v;
  appendBE<std::uint32_t>(v, day);
  append(v, envelope);
  for (;;) {
    InboxId id;
    crypto::randomBytes(id.data(), id.size());
    Bytes key = k;
    key.insert(key.end(), id.begin(), id.end());
    if (lmdb::put(txn(), s_.mailboxes_, key, v, MDB_NOOVERWRITE)) return;
  }
}

std::size_t RelayStore::Batch::replyCount(ByteView mailbox) {
  std::size_t n = 0;
  lmdb::Cursor cur(txn(), s_.mailboxes_);
  ByteView k, v;
  for (bool ok = cur.seek(mailbox, k, v); ok && k.startsWith(mailbox); ok = cur.next(k, v)) ++n;
  return n;
}

std::size_t RelayStore::Batch::expireReplies(std::uint32_t firstKeptDay) {
  // A full scan, once a day: mailboxes are keyed by id, not by day, so that the
  // key order says nothing about when a reply was filed.
  std::size_t n = 0;
  lmdb::Cursor cur(txn(), s_.mailboxes_);
  ByteView k, v;
  // After a delete, LMDB's MDB_NEXT yields the entry that followed the deleted one.
  for (bool ok = cur.first(k, v); ok; ok = cur.next(k, v)) {
    if (readU32BE(v.data()) < firstKeptDay) {
      cur.del();
      ++n;
    }
  }
  return n;
}

std::uint64_t RelayStore::freeDiskBytes() const {
  struct statvfs st {};
  if (::statvfs(dir_.c_str(), &st) != 0) return UINT64_MAX;
  return static_cast<std::uint64_t>(st.f_bavail) * st.f_frsize;
}

}  // namespace gongyou::storage
