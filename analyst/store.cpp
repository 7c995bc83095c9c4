#include "analyst/store.h"

#include <capnp/message.h>

#include <sys/mman.h>
#include <unistd.h>

#include <cstdint>

#include <algorithm>
#include <cstring>
#include <map>

#include "protocol/canonical.h"
#include "protocol/limits.h"

namespace gongyou::analyst {
namespace {

constexpr char kSchema[] = "schema", kWrappedKey[] = "store-key";

}  // namespace

namespace {
lmdb::EnvOptions storeOptions() {
  lmdb::EnvOptions o;
  // Address space, not disk: a million reports take about 2 GiB.
  o.mapSize = std::size_t{64} << 30;
  return o;
}
}  // namespace

AnalystStore::AnalystStore(const std::string& dir, ByteView passphrase, const crypto::KdfCost& cost)
    : env_(dir, storeOptions()) {
  auto txn = lmdb::Txn::write(env_);
  meta_ = lmdb::Dbi::open(txn, "meta");
  reports_ = lmdb::Dbi::open(txn, "reports");
  attachments_ = lmdb::Dbi::open(txn, "attachments");
  setaside_ = lmdb::Dbi::open(txn, "setaside");
  batches_ = lmdb::Dbi::open(txn, "batches");
  acks_ = lmdb::Dbi::open(txn, "acks");
  replies_ = lmdb::Dbi::open(txn, "replies");
  cases_ = lmdb::Dbi::open(txn, "cases");  // added to schema 1 stores when first opened
  if (auto v = lmdb::get(txn, meta_, kSchema)) {
    if (v->size() != 4 || readU32BE(v->data()) != kAnalystSchemaVersion)
      throw std::runtime_error("report store has an unknown schema version");
    auto wrapped = lmdb::get(txn, meta_, kWrappedKey);
    if (!wrapped || !crypto::unwrapKey(*wrapped, passphrase, storeKey_)) throw WrongPassphrase();
  } else {
    Bytes b;
    appendBE<std::uint32_t>(b, kAnalystSchemaVersion);
    lmdb::put(txn, meta_, kSchema, b);
    crypto::randomBytes(storeKey_.data(), storeKey_.size());
    lmdb::put(txn, meta_, kWrappedKey, crypto::wrapKey(storeKey_, passphrase, cost));
  }
  txn.commit();
  // Separate keys for separate jobs: index hashes and value sealing.
  crypto_kdf_derive_from_key(indexKey_.data(), indexKey_.size(), 1, "gyindex_", storeKey_.data());
  crypto_kdf_derive_from_key(valueKey_.data(), valueKey_.size(), 2, "gyvalue_", storeKey_.data());
}

Bytes AnalystStore::indexKey(const char* what, ByteView data) const {
  Bytes in(what, what + std::strlen(what) + 1);
  append(in, data);
  auto h = crypto::blake2bKeyed(indexKey_.view(), in);
  return Bytes(h.begin(), h.end());
}

Bytes AnalystStore::sealValue(const char* db, ByteView key, ByteView value) const {
  Bytes ad(db, db + std::strlen(db) + 1);
  append(ad, key);
  return crypto::seal(valueKey_, value, ad);
}

SecretBytes AnalystStore::openValue(const char* db, ByteView key, ByteView sealed) const {
  Bytes ad(db, db + std::strlen(db) + 1);
  append(ad, key);
  SecretBytes out;
  if (!crypto::open(valueKey_, sealed, ad, out)) throw std::runtime_error(std::string("report store: a value in ") + db + " does not open (altered?)");
  return out;
}

bool AnalystStore::Write::known(const crypto::Hash& h) {
  Bytes k = s_.indexKey("envelope", ByteView(h.data(), h.size()));
  return lmdb::get(txn_, s_.reports_, k).has_value() || lmdb::get(txn_, s_.setaside_, k).has_value();
}

void AnalystStore::Write::putReport(const crypto::Hash& h, std::uint32_t day, ByteView report) {
  Bytes k = s_.indexKey("envelope", ByteView(h.data(), h.size()));
  if (scratch_.size() < 4 + report.size()) scratch_ = SecretBytes(std::max<std::size_t>(64 * 1024, 4 + report.size()));
  SecretBytes& v = scratch_;
  for (int i = 0; i < 4; ++i) v.data()[i] = static_cast<std::uint8_t>(day >> (24 - 8 * i));
  std::memcpy(v.data() + 4, report.data(), report.size());
  lmdb::put(txn_, s_.reports_, k, s_.sealValue("reports", k, ByteView(v.data(), 4 + report.size())));
  sodium_memzero(v.data(), 4 + report.size());
}

void AnalystStore::Write::putCase(ByteView reportKey, ByteView value) {
  lmdb::put(txn_, s_.cases_, reportKey, s_.sealValue("cases", reportKey, value));
}

std::optional<SecretBytes> AnalystStore::Write::caseValue(ByteView reportKey) {
  auto v = lmdb::get(txn_, s_.cases_, reportKey);
  if (!v) return std::nullopt;
  return s_.openValue("cases", reportKey, *v);
}

void AnalystStore::Write::putAttachment(const crypto::Hash& h, std::uint8_t index, ByteView bytes) {
  Bytes k = s_.indexKey("envelope", ByteView(h.data(), h.size()));
  k.push_back(index);
  lmdb::put(txn_, s_.attachments_, k, s_.sealValue("attachments", k, bytes));
}

void AnalystStore::Write::setAside(const crypto::Hash& h, const std::string& reason, ByteView envelope) {
  Bytes k = s_.indexKey("envelope", ByteView(h.data(), h.size()));
  Bytes v;
  appendBE<std::uint32_t>(v, static_cast<std::uint32_t>(reason.size()));
  append(v, reason);
  append(v, envelope);
  lmdb::put(txn_, s_.setaside_, k, s_.sealValue("setaside", k, v));
}

bool AnalystStore::Write::batchImported(const crypto::Hash& d) {
  return lmdb::get(txn_, s_.batches_, s_.indexKey("batch", ByteView(d.data(), d.size()))).has_value();
}

void AnalystStore::Write::recordBatch(const crypto::Hash& d, std::uint32_t day) {
  Bytes k = s_.indexKey("batch", ByteView(d.data(), d.size()));
  Bytes v;
  appendBE<std::uint32_t>(v, day);
  lmdb::put(txn_, s_.batches_, k, s_.sealValue("batches", k, v));
}

void AnalystStore::Write::queueAck(const std::string& relay, const protocol::InboxId& id) {
  Bytes plain(relay.begin(), relay.end());
  plain.push_back(0);
  plain.insert(plain.end(), id.begin(), id.end());
  Bytes k = s_.indexKey("ack", plain);
  lmdb::put(txn_, s_.acks_, k, s_.sealValue("acks", k, plain));
}

void AnalystStore::Write::queueReply(ByteView mailbox, ByteView envelope) {
  Bytes plain = mailbox.copy();
  append(plain, envelope);
  Bytes k = s_.indexKey("reply", plain);
  lmdb::put(txn_, s_.replies_, k, s_.sealValue("replies", k, plain));
}

std::vector<std::pair<std::string, protocol::InboxId>> AnalystStore::Write::takeAcks() {
  std::vector<std::pair<std::string, protocol::InboxId>> out;
  lmdb::Cursor cur(txn_, s_.acks_);
  ByteView k, v;
  for (bool ok = cur.first(k, v); ok; ok = cur.next(k, v)) {
    SecretBytes plain = s_.openValue("acks", k, v);
    ByteView p = plain.view();
    auto zero = std::find(p.begin(), p.end(), 0);
    if (zero == p.end() || p.end() - zero != 1 + 16) throw std::runtime_error("report store: a queued ack is damaged");
    protocol::InboxId id;
    std::memcpy(id.data(), zero + 1, 16);
    out.emplace_back(std::string(reinterpret_cast<const char*>(p.data()), zero - p.begin()), id);
    cur.del();
  }
  return out;
}

std::vector<std::pair<Bytes, Bytes>> AnalystStore::Write::takeReplies() {
  std::vector<std::pair<Bytes, Bytes>> out;
  lmdb::Cursor cur(txn_, s_.replies_);
  ByteView k, v;
  for (bool ok = cur.first(k, v); ok; ok = cur.next(k, v)) {
    SecretBytes plain = s_.openValue("replies", k, v);
    if (plain.size() < 32) throw std::runtime_error("report store: a queued reply is damaged");
    out.emplace_back(plain.view().sub(0, 32).copy(), plain.view().sub(32, plain.size() - 32).copy());
    cur.del();
  }
  return out;
}

AnalystStore::Counts AnalystStore::counts() {
  auto txn = lmdb::Txn::read(env_);
  return {lmdb::count(txn, reports_), lmdb::count(txn, setaside_), lmdb::count(txn, batches_),
          lmdb::count(txn, acks_), lmdb::count(txn, replies_)};
}

void AnalystStore::forEachReport(
    const std::function<void(const std::string& ref, std::uint32_t, proto::Report::Reader)>& fn) {
  scanReports({}, fn);
}

bool AnalystStore::withReport(const std::string& ref,
                              const std::function<void(std::uint32_t, proto::Report::Reader)>& fn) {
  auto prefix = refPrefix(ref);
  bool found = false;
  if (prefix)
    scanReports(*prefix, [&](const std::string& r, std::uint32_t day, proto::Report::Reader report) {
      if (r != ref) return;
      fn(day, report);
      found = true;
    });
  return found;
}

std::optional<Bytes> AnalystStore::reportKey(const std::string& ref) {
  auto prefix = refPrefix(ref);
  if (!prefix) return std::nullopt;
  auto txn = lmdb::Txn::read(env_);
  lmdb::Cursor cur(txn, reports_);
  ByteView k, v;
  if (!cur.seek(*prefix, k, v) || !k.startsWith(*prefix)) return std::nullopt;
  return k.copy();
}

std::optional<SecretBytes> AnalystStore::caseValue(ByteView reportKey) {
  auto txn = lmdb::Txn::read(env_);
  auto v = lmdb::get(txn, cases_, reportKey);
  if (!v) return std::nullopt;
  return openValue("cases", reportKey, *v);
}

void AnalystStore::forEachCase(const std::function<void(const std::string& ref, ByteView caseCanonical)>& fn) {
  auto txn = lmdb::Txn::read(env_);
  lmdb::Cursor cur(txn, cases_);
  ByteView k, v;
  for (bool ok = cur.first(k, v); ok; ok = cur.next(k, v)) {
    SecretBytes plain = openValue("cases", k, v);
    fn(toHex(k.sub(0, kRefBytes)), plain.view());
  }
}

std::optional<Bytes> AnalystStore::refPrefix(const std::string& ref) {
  Bytes prefix(kRefBytes);
  std::size_t n = 0;
  if (ref.size() != 2 * kRefBytes ||
      sodium_hex2bin(prefix.data(), prefix.size(), ref.data(), ref.size(), nullptr, &n, nullptr) != 0 ||
      n != kRefBytes)
    return std::nullopt;
  return prefix;
}

// Reports whose index key starts with `prefix` (all of them for an empty one):
// a reference is such a prefix, so one report is found by a seek, not a scan.
void AnalystStore::scanReports(ByteView prefix,
                               const std::function<void(const std::string& ref, std::uint32_t, proto::Report::Reader)>& fn) {
  auto txn = lmdb::Txn::read(env_);
  lmdb::Cursor cur(txn, reports_);
  ByteView k, v;
  // One guarded buffer for the whole scan, and one aligned buffer the report is
  // read from in place (both wiped as they are reused and at the end).
  SecretBytes plain(64 * 1024);
  kj::Array<capnp::word> words = kj::heapArray<capnp::word>(plain.size() / sizeof(capnp::word));
  Bytes ad{'r', 'e', 'p', 'o', 'r', 't', 's', 0};
  const std::size_t adPrefix = ad.size();
  // A scan reads the whole store through LMDB's read-only map. Every 16,384
  // reports the pages read so far are unmapped again (they stay in the page
  // cache; a later touch maps them back), so a scan of millions of reports does
  // not hold the whole file in this process's memory.
  const std::uintptr_t pageSize = static_cast<std::uintptr_t>(::sysconf(_SC_PAGESIZE));
  std::uintptr_t lo = UINTPTR_MAX, hi = 0;
  std::size_t scanned = 0;
  for (bool ok = prefix.empty() ? cur.first(k, v) : cur.seek(prefix, k, v); ok && k.startsWith(prefix);
       ok = cur.next(k, v)) {
    // Values point into the map: remember the span read, and drop it now and then.
    lo = std::min(lo, reinterpret_cast<std::uintptr_t>(v.data()));
    hi = std::max(hi, reinterpret_cast<std::uintptr_t>(v.data() + v.size()));
    if (++scanned % 16384 == 0 && hi > lo) {
      const std::uintptr_t a = lo & ~(pageSize - 1), b = (hi + pageSize - 1) & ~(pageSize - 1);
      ::madvise(reinterpret_cast<void*>(a), b - a, MADV_DONTNEED);
      lo = UINTPTR_MAX, hi = 0;
    }
    if (v.size() < crypto::kSealOverhead + 4) throw std::runtime_error("report store: a report is damaged");
    const std::size_t n = v.size() - crypto::kSealOverhead;
    if (n > plain.size()) {
      plain = SecretBytes(n);
      words = kj::heapArray<capnp::word>((n + 7) / 8);
    }
    ad.resize(adPrefix);
    append(ad, k);
    if (!crypto::openInto(valueKey_, v, ad, plain.data()))
      throw std::runtime_error("report store: a value in reports does not open (altered?)");
    const std::size_t len = n - 4;
    if (len % sizeof(capnp::word) != 0) throw std::runtime_error("report store: a report is damaged");
    std::memcpy(words.begin(), plain.data() + 4, len);
    bool canonical = false;
    KJ_IF_MAYBE(e, kj::runCatchingExceptions([&] {
      kj::ArrayPtr<const capnp::word> seg(words.begin(), len / sizeof(capnp::word));
      capnp::SegmentArrayMessageReader reader(kj::arrayPtr(&seg, 1), protocol::readerOptions());
      canonical = reader.isCanonical();
      if (!canonical) return;
      fn(toHex(k.sub(0, kRefBytes)), readU32BE(plain.data()), reader.getRoot<proto::Report>());
    })) {
      sodium_memzero(words.begin(), len);
      kj::throwFatalException(kj::mv(*e));
    }
    sodium_memzero(words.begin(), len);
    if (!canonical) throw std::runtime_error("report store: a report is damaged");
  }
}

std::size_t AnalystStore::forEachAttachment(const std::string& ref,
                                            const std::function<void(std::uint8_t, ByteView)>& fn) {
  auto found = refPrefix(ref);
  if (!found) return 0;
  const Bytes& prefix = *found;
  auto txn = lmdb::Txn::read(env_);
  lmdb::Cursor cur(txn, attachments_);
  ByteView k, v;
  std::size_t count = 0;
  for (bool ok = cur.seek(prefix, k, v); ok && k.size() == format::kHashSize + 1 && k.startsWith(prefix);
       ok = cur.next(k, v)) {
    SecretBytes plain = openValue("attachments", k, v);
    fn(k[format::kHashSize], plain.view());
    ++count;
  }
  return count;
}

std::vector<std::pair<std::string, std::uint64_t>> AnalystStore::setAsideReasons() {
  std::map<std::string, std::uint64_t> n;
  auto txn = lmdb::Txn::read(env_);
  lmdb::Cursor cur(txn, setaside_);
  ByteView k, v;
  for (bool ok = cur.first(k, v); ok; ok = cur.next(k, v)) {
    SecretBytes plain = openValue("setaside", k, v);
    if (plain.size() < 4 || readU32BE(plain.data()) > plain.size() - 4)
      throw std::runtime_error("report store: a set-aside entry is damaged");
    std::uint32_t len = readU32BE(plain.data());
    n[std::string(reinterpret_cast<const char*>(plain.data() + 4), len)]++;
  }
  return {n.begin(), n.end()};
}

}  // namespace gongyou::analyst
