#include "storage/relay_store.h"

#include <sys/statvfs.h>

#include <cstring>

#include "protocol/limits.h"

namespace gongyou::storage {
namespace {

constexpr std::size_t kTagSize = 16;
constexpr char kSchemaKey[] = "schema";
constexpr char kChallengeKeyKey[] = "challenge-key";

// Fixed-size inbox prefix per centre, so every inbox key has one length.
Bytes centreTag(std::string_view centre) {
  auto h = crypto::blake2b(ByteView(centre));
  return Bytes(h.begin(), h.begin() + kTagSize);
}

Bytes inboxKey(std::string_view centre, const InboxId& id) {
  Bytes k = centreTag(centre);
  k.insert(k.end(), id.begin(), id.end());
  return k;
}

}  // namespace

RelayStore::RelayStore(const std::string& dir, const lmdb::EnvOptions& opts) : dir_(dir), env_(dir, opts) {
  auto txn = lmdb::Txn::write(env_);
  meta_ = lmdb::Dbi::open(txn, "meta");
  centres_ = lmdb::Dbi::open(txn, "centres");
  inbox_ = lmdb::Dbi::open(txn, "inbox");
  mailboxes_ = lmdb::Dbi::open(txn, "mailboxes");
  replay_ = lmdb::Dbi::open(txn, "replay");
  if (auto v = lmdb::get(txn, meta_, kSchemaKey)) {
    if (v->size() != 4 || readU32BE(v->data()) != kRelaySchemaVersion)
      throw SchemaMismatch("relay database schema " +
                           (v->size() == 4 ? std::to_string(readU32BE(v->data())) : std::string("?")) +
                           ", this relay understands " + std::to_string(kRelaySchemaVersion));
  } else {
    Bytes b;
    appendBE<std::uint32_t>(b, kRelaySchemaVersion);
    lmdb::put(txn, meta_, kSchemaKey, b);
  }
  if (auto k = lmdb::get(txn, meta_, kChallengeKeyKey); k && k->size() == challengeKey_.size()) {
    std::memcpy(challengeKey_.data(), k->data(), k->size());
  } else {
    crypto::randomBytes(challengeKey_.data(), challengeKey_.size());
    lmdb::put(txn, meta_, kChallengeKeyKey, challengeKey_.view());
  }
  txn.commit();
}

std::optional<Bytes> RelayStore::centreBundle(std::string_view centre) {
  auto txn = lmdb::Txn::read(env_);
  if (auto v = lmdb::get(txn, centres_, ByteView(centre))) return v->copy();
  return std::nullopt;
}

std::vector<std::string> RelayStore::centreIds() {
  auto txn = lmdb::Txn::read(env_);
  lmdb::Cursor cur(txn, centres_);
  std::vector<std::string> ids;
  ByteView k, v;
  for (bool ok = cur.first(k, v); ok; ok = cur.next(k, v)) ids.emplace_back(k.str());
  return ids;
}

std::vector<InboxEntry> RelayStore::list(std::string_view centre, ByteView after,
                                         std::uint32_t limit, bool& more) {
  more = false;
  std::vector<InboxEntry> out;
  const Bytes tag = centreTag(centre);
  Bytes from = tag;
  append(from, after);
  auto txn = lmdb::Txn::read(env_);
  lmdb::Cursor cur(txn, inbox_);
  ByteView k, v;
  bool ok = cur.seek(from, k, v);
  // Strictly after `after`: skip the exact key if it is still there.
  if (ok && !after.empty() && k.size() == from.size() && std::memcmp(k.data(), from.data(), from.size()) == 0)
    ok = cur.next(k, v);
  for (; ok && k.startsWith(tag); ok = cur.next(k, v)) {
    if (out.size() == limit) {
      more = true;
      break;
    }
    InboxEntry e;
    std::memcpy(e.id.data(), k.data() + kTagSize, e.id.size());
    e.day = readU32BE(v.data());
    e.size = static_cast<std::uint32_t>(v.size() - 4);
    out.push_back(e);
  }
  return out;
}

std::optional<StoredEnvelope> RelayStore::fetch(std::string_view centre, const InboxId& id, std::size_t maxBytes) {
  auto txn = lmdb::Txn::read(env_);
  auto v = lmdb::get(txn, inbox_, inboxKey(centre, id));
  if (!v || v->size() - 4 > maxBytes) return std::nullopt;
  return StoredEnvelope{readU32BE(v->data()), v->sub(4, v->size() - 4).copy()};
}

std::optional<Bytes> RelayStore::fetchRange(std::string_view centre, const InboxId& id, std::uint64_t offset,
                                            std::size_t length) {
  auto txn = lmdb::Txn::read(env_);
  auto v = lmdb::get(txn, inbox_, inboxKey(centre, id));
  if (!v) return std::nullopt;
  const std::uint64_t size = v->size() - 4;
  if (offset > size) return Bytes{};
  return v->sub(4 + offset, static_cast<std::size_t>(std::min<std::uint64_t>(length, size - offset))).copy();
}

std::vector<RelayStore::StoredReply> RelayStore::replies(ByteView mailbox) {
  std::vector<StoredReply> out;
  auto txn = lmdb::Txn::read(env_);
  lmdb::Cursor cur(txn, mailboxes_);
  ByteView k, v;
  for (bool ok = cur.seek(mailbox, k, v); ok && k.startsWith(mailbox); ok = cur.next(k, v))
    out.push_back({readU32BE(v.data()), v.sub(4, v.size() - 4).copy()});
  return out;
}

InboxStats RelayStore::stats(std::string_view centre) {
  InboxStats s;
  const Bytes tag = centreTag(centre);
  auto txn = lmdb::Txn::read(env_);
  lmdb::Cursor cur(txn, inbox_);
  ByteView k, v;
  for (bool ok = cur.seek(tag, k, v); ok && k.startsWith(tag); ok = cur.next(k, v)) {
    ++s.count;
    s.bytes += v.size() - 4;
    std::uint32_t day = readU32BE(v.data());
    if (s.oldestDay == 0 || day < s.oldestDay) s.oldestDay = day;
  }
  return s;
}

std::optional<Bytes> RelayStore::Batch::centreBundle(std::string_view centre) {
  if (auto v = lmdb::get(txn_, s_.centres_, ByteView(centre))) return v->copy();
  return std::nullopt;
}

void RelayStore::Batch::putCentre(std::string_view centre, ByteView framedBundle) {
  lmdb::put(txn_, s_.centres_, ByteView(centre), framedBundle);
}

bool RelayStore::Batch::remember(ReplayKind kind, std::uint32_t day, const crypto::Hash& hash) {
  Bytes k{static_cast<std::uint8_t>(kind)};
  appendBE<std::uint32_t>(k, day);
  k.insert(k.end(), hash.begin(), hash.end());
  return lmdb::put(txn_, s_.replay_, k, ByteView(), MDB_NOOVERWRITE);
}

InboxId RelayStore::Batch::insert(std::string_view centre, ByteView envelope, std::uint32_t day) {
  Bytes v;
  v.reserve(4 + envelope.size());
  appendBE<std::uint32_t>(v, day);
  append(v, envelope);
  for (;;) {
    InboxId id;
    crypto::randomBytes(id.data(), id.size());
    // A collision of 128 random bits does not happen; NOOVERWRITE makes sure
    // that even then nothing stored is replaced.
    if (lmdb::put(txn_, s_.inbox_, inboxKey(centre, id), v, MDB_NOOVERWRITE)) return id;
  }
}

bool RelayStore::Batch::remove(std::string_view centre, const InboxId& id) {
  return lmdb::del(txn_, s_.inbox_, inboxKey(centre, id));
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
    if (lmdb::put(txn_, s_.mailboxes_, key, v, MDB_NOOVERWRITE)) return;
  }
}

std::size_t RelayStore::Batch::replyCount(ByteView mailbox) {
  std::size_t n = 0;
  lmdb::Cursor cur(txn_, s_.mailboxes_);
  ByteView k, v;
  for (bool ok = cur.seek(mailbox, k, v); ok && k.startsWith(mailbox); ok = cur.next(k, v)) ++n;
  return n;
}

std::size_t RelayStore::Batch::expireReplies(std::uint32_t firstKeptDay) {
  // A full scan, once a day: mailboxes are keyed by id, not by day, so that the
  // key order says nothing about when a reply was filed.
  std::size_t n = 0;
  lmdb::Cursor cur(txn_, s_.mailboxes_);
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

std::size_t RelayStore::Batch::expireReplay(std::uint32_t firstKeptDay) {
  std::size_t n = 0;
  for (auto kind : {ReplayKind::PowStamp, ReplayKind::LoginChallenge}) {
    lmdb::Cursor cur(txn_, s_.replay_);
    Bytes from{static_cast<std::uint8_t>(kind)};
    ByteView k, v;
    for (bool ok = cur.seek(from, k, v); ok && k[0] == from[0] && readU32BE(k.data() + 1) < firstKeptDay;
         ok = cur.next(k, v)) {
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
