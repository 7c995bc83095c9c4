#include "storage/envelope_store.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <system_error>

#include "crypto/primitives.h"
#include "protocol/limits.h"
#include "storage/file.h"

namespace gongyou::storage {
namespace {

constexpr char kMagic[] = "gongyou-slots/v1\n";
constexpr std::uint64_t kHeaderBytes = 4096;
constexpr std::size_t kRecordBytes = 128;
constexpr std::uint64_t kMinClass = 1024;
constexpr std::uint64_t kMaxClass = 32ull << 20;
static_assert(kMaxClass >= protocol::kMaxEnvelopeBytes);
constexpr std::uint32_t kBlockSlots = 4096;  // slots per free count
constexpr std::size_t kRandomBytes = 11;
static_assert(1 + 4 + kRandomBytes == protocol::kInboxIdSize);

// Record fields (byte offsets).
constexpr std::size_t kCheck = 0, kTag = 16, kRandom = 32, kStampLen = 43, kDay = 44, kSize = 48, kHash = 52,
                      kStamp = 68, kRecordEnd = kStamp + kMaxStampBytes;
static_assert(kRecordEnd <= kRecordBytes);

using Record = EnvelopeStore::Record;
static_assert(sizeof(Record) == kRecordBytes);

std::vector<std::uint64_t> classSizes() {
  std::vector<std::uint64_t> out;
  for (std::uint64_t s = kMinClass; s <= kMaxClass; s *= 2) {
    out.push_back(s);
    if (s < kMaxClass) out.push_back(s + s / 2);
  }
  return out;
}

[[noreturn]] void fail(const std::string& what) { throw std::system_error(errno, std::generic_category(), what); }

bool diskFull(const std::system_error& e) { return e.code().value() == ENOSPC || e.code().value() == EDQUOT; }

std::array<std::uint8_t, 16> hash16(ByteView data) {
  auto h = crypto::blake2b(data);
  std::array<std::uint8_t, 16> out;
  std::memcpy(out.data(), h.data(), out.size());
  return out;
}

void seal(Record& r) {
  auto h = hash16(ByteView(r.data() + kTag, kRecordBytes - kTag));
  std::memcpy(r.data() + kCheck, h.data(), h.size());
}

bool sealed(const Record& r) {
  auto h = hash16(ByteView(r.data() + kTag, kRecordBytes - kTag));
  return std::memcmp(r.data() + kCheck, h.data(), h.size()) == 0;
}

}  // namespace

struct EnvelopeStore::SizeClass {
  std::uint64_t size = 0;
  std::uint32_t capacity = 0;
  std::uint64_t slotsAt = 0;
  int fd = -1;
  std::vector<std::uint64_t> used, visible;  // bit per slot
  std::vector<std::uint32_t> freeIn;         // free slots per block of kBlockSlots
  std::uint32_t free = 0;

  ~SizeClass() {
    if (fd >= 0) ::close(fd);
  }
  // Takes `descriptor`, checks the header, and sizes the maps (all slots free).
  void open(int descriptor, std::uint64_t classSize, const std::string& path);
  std::uint64_t recordAt(std::uint32_t slot) const { return kHeaderBytes + std::uint64_t{slot} * kRecordBytes; }
  std::uint64_t slotAt(std::uint32_t slot) const { return slotsAt + std::uint64_t{slot} * size; }
  static bool bit(const std::vector<std::uint64_t>& v, std::uint32_t i) { return (v[i / 64] >> (i % 64)) & 1; }
  static void set(std::vector<std::uint64_t>& v, std::uint32_t i, bool on) {
    if (on) v[i / 64] |= std::uint64_t{1} << (i % 64);
    else v[i / 64] &= ~(std::uint64_t{1} << (i % 64));
  }
  void take(std::uint32_t i) {
    set(used, i, true);
    --freeIn[i / kBlockSlots];
    --free;
  }
  void give(std::uint32_t i) {
    set(used, i, false);
    ++freeIn[i / kBlockSlots];
    ++free;
  }
  // The k-th free slot (k < free): every free slot equally likely for a uniform k.
  std::uint32_t nthFree(std::uint32_t k) const {
    std::uint32_t block = 0;
    while (k >= freeIn[block]) k -= freeIn[block++];
    for (std::uint32_t w = block * (kBlockSlots / 64);; ++w) {
      std::uint64_t freeBits = ~used[w];
      if (w == used.size() - 1 && capacity % 64) freeBits &= (std::uint64_t{1} << (capacity % 64)) - 1;
      const auto n = static_cast<std::uint32_t>(__builtin_popcountll(freeBits));
      if (k < n) {
        for (; k > 0; --k) freeBits &= freeBits - 1;
        return w * 64 + static_cast<std::uint32_t>(__builtin_ctzll(freeBits));
      }
      k -= n;
    }
  }
};

namespace {
// A slot file of `capacity` slots at `path`, created whole (sparse) under a
// temporary name and renamed into place; returns its descriptor.
int createSlotFile(const std::string& path, std::uint64_t size, std::uint32_t capacity) {
  const std::string tmp = path + ".tmp";
  const int fd = openNoAtime(tmp, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC);
  if (fd < 0) fail("create " + tmp);
  std::array<std::uint8_t, 64> header{};
  std::memcpy(header.data(), kMagic, sizeof kMagic - 1);
  writeBE<std::uint64_t>(header.data() + 32, size);
  writeBE<std::uint32_t>(header.data() + 40, capacity);
  writeAt(fd, header.data(), header.size(), 0);
  const std::uint64_t slotsAt = (kHeaderBytes + std::uint64_t{capacity} * kRecordBytes + 4095) / 4096 * 4096;
  // Sparse: the disk is used only where envelopes are written.
  if (::ftruncate(fd, static_cast<off_t>(slotsAt + std::uint64_t{capacity} * size)) != 0) fail("size " + tmp);
  if (::fsync(fd) != 0) fail("sync " + tmp);
  renameFile(tmp, path);
  return fd;
}

std::uint32_t capacityFor(std::uint64_t budget, std::uint64_t size) {
  const std::uint64_t slots = std::max<std::uint64_t>(16, (budget + size - 1) / size);
  return static_cast<std::uint32_t>(std::min<std::uint64_t>(slots, UINT32_MAX));
}
}  // namespace

void EnvelopeStore::SizeClass::open(int descriptor, std::uint64_t classSize, const std::string& path) {
  fd = descriptor;
  size = classSize;
  std::array<std::uint8_t, 64> header{};
  readAt(fd, header.data(), header.size(), 0);
  if (std::memcmp(header.data(), kMagic, sizeof kMagic - 1) != 0 || readBE<std::uint64_t>(header.data() + 32) != size)
    throw std::runtime_error(path + " is not a relay slot file of this version");
  capacity = readU32BE(header.data() + 40);
  slotsAt = (kHeaderBytes + std::uint64_t{capacity} * kRecordBytes + 4095) / 4096 * 4096;
  used.assign((capacity + 63) / 64, 0);
  visible.assign(used.size(), 0);
  freeIn.assign((capacity + kBlockSlots - 1) / kBlockSlots, 0);
  for (std::uint32_t b = 0; b < freeIn.size(); ++b) freeIn[b] = std::min<std::uint32_t>(kBlockSlots, capacity - b * kBlockSlots);
  free = capacity;
}

EnvelopeStore::EnvelopeStore(const std::string& dir, std::uint64_t budgetBytes) : dir_(dir), budget_(budgetBytes) {
  makeDirs(dir);
  for (std::uint64_t size : classSizes()) {
    auto c = std::make_unique<SizeClass>();
    const std::string path = dir + "/" + std::to_string(size) + ".slots";
    // O_NOATIME: reading an envelope must not write the time it was read.
    int fd = openNoAtime(path, O_RDWR | O_CLOEXEC);
    if (fd < 0 && errno == ENOENT) fd = createSlotFile(path, size, capacityFor(budgetBytes, size));
    if (fd < 0) fail("open " + path);
    c->open(fd, size, path);
    classes_.push_back(std::move(c));
  }
  // What is stored: every record that checks. The record table is read in
  // large pieces, skipping the holes of a sparse file.
  std::vector<std::uint8_t> chunk(1 << 20);
  for (std::uint8_t ci = 0; ci < classes_.size(); ++ci) {
    auto& c = *classes_[ci];
    const std::uint64_t end = c.recordAt(c.capacity);
    for (std::uint64_t off = kHeaderBytes; off < end;) {
      const off_t data = ::lseek(c.fd, static_cast<off_t>(off), SEEK_DATA);
      if (data < 0 || static_cast<std::uint64_t>(data) >= end) break;
      off = std::max<std::uint64_t>(off, (static_cast<std::uint64_t>(data) - kHeaderBytes) / kRecordBytes * kRecordBytes +
                                              kHeaderBytes);
      const std::size_t n = static_cast<std::size_t>(std::min<std::uint64_t>(chunk.size(), end - off));
      readAt(c.fd, chunk.data(), n, off);
      for (std::size_t at = 0; at + kRecordBytes <= n; at += kRecordBytes) {
        Record r;
        std::memcpy(r.data(), chunk.data() + at, kRecordBytes);
        if (!sealed(r)) continue;
        const auto slot = static_cast<std::uint32_t>((off + at - kHeaderBytes) / kRecordBytes);
        const std::uint32_t size = readU32BE(r.data() + kSize);
        if (size > c.size) continue;
        c.take(slot);
        SizeClass::set(c.visible, slot, true);
        used_ += c.size;
        CentreTag tag;
        std::memcpy(tag.data(), r.data() + kTag, tag.size());
        auto& cc = centres_[tag];
        ++cc.count, cc.bytes += size, ++cc.days[readU32BE(r.data() + kDay)];
      }
      off += n;
    }
  }
  // A budget raised since a class file was made: the class moves to a larger
  // file, each envelope to a slot drawn afresh (so the new file's order says
  // nothing either), and the old slots are zeroed once the new file is durable.
  for (std::size_t ci = 0; ci < classes_.size(); ++ci)
    if (capacityFor(budgetBytes, classes_[ci]->size) > classes_[ci]->capacity) grow(ci, capacityFor(budgetBytes, classes_[ci]->size));
}

void EnvelopeStore::grow(std::size_t ci, std::uint32_t capacity) {
  auto& old = *classes_[ci];
  const std::string path = dir_ + "/" + std::to_string(old.size) + ".slots";
  const std::string next = path + ".next";
  auto c = std::make_unique<SizeClass>();
  c->open(createSlotFile(next, old.size, capacity), old.size, next);
  std::vector<std::pair<std::uint32_t, std::uint32_t>> moved;  // old slot, bytes
  Bytes data;
  for (std::uint32_t slot = 0; slot < old.capacity; ++slot) {
    if (!SizeClass::bit(old.visible, slot)) continue;
    Record r;
    readAt(old.fd, r.data(), r.size(), old.recordAt(slot));
    const std::uint32_t size = std::min<std::uint32_t>(readU32BE(r.data() + kSize), static_cast<std::uint32_t>(old.size));
    data.resize(size);
    readAt(old.fd, data.data(), size, old.slotAt(slot));
    const std::uint32_t to = c->nthFree(crypto::randomBelow(c->free));
    c->take(to);
    SizeClass::set(c->visible, to, true);
    writeAt(c->fd, data.data(), size, c->slotAt(to));
    writeAt(c->fd, r.data(), r.size(), c->recordAt(to));
    moved.emplace_back(slot, size);
  }
  if (::fdatasync(c->fd) != 0) fail("sync " + next);
  renameFile(next, path);
  for (auto [slot, bytes] : moved) zero(old, slot, bytes);
  ::fdatasync(old.fd);
  classes_[ci] = std::move(c);
}

EnvelopeStore::~EnvelopeStore() = default;

std::optional<EnvelopeStore::Slot> EnvelopeStore::locate(const InboxId& id) const {
  if (id[0] >= classes_.size()) return std::nullopt;
  const std::uint32_t slot = readU32BE(id.data() + 1);
  if (slot >= classes_[id[0]]->capacity) return std::nullopt;
  return Slot{id[0], slot};
}

std::vector<InboxEntry> EnvelopeStore::list(const CentreTag& tag, ByteView after, std::uint32_t limit,
                                            bool& more) const {
  more = false;
  std::vector<InboxEntry> out;
  // Ids sort as class, slot, random part: start at after's slot, where only a
  // random part above after's counts (an `after` of another length is read
  // as if padded with zeros).
  InboxId from{};
  std::memcpy(from.data(), after.data(), std::min(after.size(), from.size()));
  const bool hasAfter = !after.empty();
  for (std::size_t cls = from[0]; cls < classes_.size(); ++cls) {
    const auto& c = *classes_[cls];
    std::uint64_t slot = cls == from[0] ? readU32BE(from.data() + 1) : 0;
    for (; slot < c.capacity; ++slot) {
      {
        std::lock_guard<std::mutex> lock(mutex_);
        while (slot < c.capacity && slot % 64 == 0 && c.visible[slot / 64] == 0) slot += 64;  // empty words
        if (slot >= c.capacity) break;
        if (!SizeClass::bit(c.visible, static_cast<std::uint32_t>(slot))) continue;
      }
      Record r;
      readAt(c.fd, r.data(), r.size(), c.recordAt(static_cast<std::uint32_t>(slot)));
      if (!sealed(r) || std::memcmp(r.data() + kTag, tag.data(), tag.size()) != 0) continue;
      InboxEntry e;
      e.id[0] = static_cast<std::uint8_t>(cls);
      writeBE<std::uint32_t>(e.id.data() + 1, static_cast<std::uint32_t>(slot));
      std::memcpy(e.id.data() + 5, r.data() + kRandom, kRandomBytes);
      if (hasAfter && std::memcmp(e.id.data(), from.data(), from.size()) <= 0) continue;
      if (out.size() == limit) {
        more = true;
        return out;
      }
      e.day = readU32BE(r.data() + kDay);
      e.size = readU32BE(r.data() + kSize);
      e.stamp.assign(r.data() + kStamp, r.data() + kStamp + std::min<std::size_t>(r[kStampLen], kMaxStampBytes));
      out.push_back(std::move(e));
    }
  }
  return out;
}

namespace {
// The record of `id` if it is there, visible, the centre's and this id's.
bool matches(const Record& r, const CentreTag& tag, const InboxId& id) {
  return sealed(r) && std::memcmp(r.data() + kTag, tag.data(), tag.size()) == 0 &&
         std::memcmp(r.data() + kRandom, id.data() + 5, kRandomBytes) == 0;
}
}  // namespace

std::optional<EnvelopeStore::Slot> EnvelopeStore::visibleRecord(const CentreTag& tag, const InboxId& id,
                                                                 Record& r) const {
  auto at = locate(id);
  if (!at) return std::nullopt;
  const auto& c = *classes_[at->cls];
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (!SizeClass::bit(c.visible, at->slot)) return std::nullopt;
  }
  readAt(c.fd, r.data(), r.size(), c.recordAt(at->slot));
  if (!matches(r, tag, id)) return std::nullopt;
  return at;
}

std::optional<StoredEnvelope> EnvelopeStore::fetch(const CentreTag& tag, const InboxId& id,
                                                   std::size_t maxBytes) const {
  Record r;
  auto at = visibleRecord(tag, id, r);
  if (!at) return std::nullopt;
  const auto& c = *classes_[at->cls];
  const std::uint32_t size = readU32BE(r.data() + kSize);
  if (size > maxBytes || size > c.size) return std::nullopt;
  StoredEnvelope e;
  e.day = readU32BE(r.data() + kDay);
  e.data.resize(size);
  readAt(c.fd, e.data.data(), size, c.slotAt(at->slot));
  if (hash16(e.data) != *reinterpret_cast<const std::array<std::uint8_t, 16>*>(r.data() + kHash)) return std::nullopt;
  e.stamp.assign(r.data() + kStamp, r.data() + kStamp + std::min<std::size_t>(r[kStampLen], kMaxStampBytes));
  return e;
}

std::optional<Bytes> EnvelopeStore::fetchRange(const CentreTag& tag, const InboxId& id, std::uint64_t offset,
                                               std::size_t length) const {
  Record r;
  auto at = visibleRecord(tag, id, r);
  if (!at) return std::nullopt;
  const auto& c = *classes_[at->cls];
  const std::uint64_t size = std::min<std::uint64_t>(readU32BE(r.data() + kSize), c.size);
  if (offset > size) return Bytes{};
  Bytes out(static_cast<std::size_t>(std::min<std::uint64_t>(length, size - offset)));
  readAt(c.fd, out.data(), out.size(), c.slotAt(at->slot) + offset);
  return out;
}

InboxStats EnvelopeStore::stats(const CentreTag& tag) const {
  std::lock_guard<std::mutex> lock(mutex_);
  InboxStats s;
  auto it = centres_.find(tag);
  if (it == centres_.end()) return s;
  s.count = it->second.count;
  s.bytes = it->second.bytes;
  if (!it->second.days.empty()) s.oldestDay = it->second.days.begin()->first;
  return s;
}

std::unique_ptr<EnvelopeStore::Pending> EnvelopeStore::begin() {
  auto p = std::make_unique<Pending>();
  p->touched.assign(classes_.size(), false);
  return p;
}

InboxId EnvelopeStore::insert(Pending& p, const CentreTag& tag, ByteView envelope, std::uint32_t day,
                              ByteView stamp, const crypto::Hash* hash) {
  if (stamp.size() > kMaxStampBytes) throw std::invalid_argument("stamp too long to store");
  auto it = std::find_if(classes_.begin(), classes_.end(), [&](auto& c) { return c->size >= envelope.size(); });
  if (it == classes_.end()) throw StoreFull("envelope larger than any slot");
  auto& c = **it;
  const auto cls = static_cast<std::uint8_t>(it - classes_.begin());
  std::uint32_t slot;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (used_ + c.size > budget_ || c.free == 0) throw StoreFull("relay storage is full");
    slot = c.nthFree(crypto::randomBelow(c.free));
    c.take(slot);
    used_ += c.size;
  }
  Record r{};
  std::memcpy(r.data() + kTag, tag.data(), tag.size());
  crypto::randomBytes(r.data() + kRandom, kRandomBytes);
  r[kStampLen] = static_cast<std::uint8_t>(stamp.size());
  writeBE<std::uint32_t>(r.data() + kDay, day);
  writeBE<std::uint32_t>(r.data() + kSize, static_cast<std::uint32_t>(envelope.size()));
  if (hash) std::memcpy(r.data() + kHash, hash->data(), 16);  // hash16 is its first 16 bytes
  else {
    auto h = hash16(envelope);
    std::memcpy(r.data() + kHash, h.data(), h.size());
  }
  if (!stamp.empty()) std::memcpy(r.data() + kStamp, stamp.data(), stamp.size());
  seal(r);
  try {
    writeAt(c.fd, envelope.data(), envelope.size(), c.slotAt(slot));
    writeAt(c.fd, r.data(), r.size(), c.recordAt(slot));
  } catch (const std::system_error& e) {
    // Whatever reached the file is not an envelope anyone was promised.
    try {
      zero(c, slot, envelope.size());
    } catch (...) {
    }
    {
      std::lock_guard<std::mutex> lock(mutex_);
      c.give(slot);
      used_ -= c.size;
    }
    if (diskFull(e)) throw StoreFull("relay disk is full");
    throw;
  }
  p.touched[cls] = true;
  p.inserts.push_back({{cls, slot}, tag, day, static_cast<std::uint32_t>(envelope.size())});
  InboxId id;
  id[0] = cls;
  writeBE<std::uint32_t>(id.data() + 1, slot);
  std::memcpy(id.data() + 5, r.data() + kRandom, kRandomBytes);
  return id;
}

void EnvelopeStore::zero(SizeClass& c, std::uint32_t slot, std::uint64_t bytes) {
  writeZerosAt(c.fd, c.recordAt(slot), kRecordBytes);
  writeZerosAt(c.fd, c.slotAt(slot), bytes);
}

bool EnvelopeStore::remove(Pending& p, const CentreTag& tag, const InboxId& id) {
  Record r;
  auto at = visibleRecord(tag, id, r);
  if (!at) return false;
  auto& c = *classes_[at->cls];
  const std::uint32_t size = std::min<std::uint32_t>(readU32BE(r.data() + kSize), static_cast<std::uint32_t>(c.size));
  {
    std::lock_guard<std::mutex> lock(mutex_);
    SizeClass::set(c.visible, at->slot, false);
    auto& cc = centres_[tag];
    --cc.count, cc.bytes -= size;
    if (auto d = cc.days.find(readU32BE(r.data() + kDay)); d != cc.days.end() && --d->second == 0) cc.days.erase(d);
    if (cc.count == 0) centres_.erase(tag);
  }
  p.touched[at->cls] = true;
  p.removed.push_back(*at);
  zero(c, at->slot, size);
  return true;
}

void EnvelopeStore::sync(Pending& p) {
  for (std::size_t i = 0; i < classes_.size(); ++i)
    if (p.touched[i] && ::fdatasync(classes_[i]->fd) != 0) fail("sync slot file");
  std::lock_guard<std::mutex> lock(mutex_);
  for (const auto& in : p.inserts) {
    SizeClass::set(classes_[in.at.cls]->visible, in.at.slot, true);
    auto& cc = centres_[in.tag];
    ++cc.count, cc.bytes += in.size, ++cc.days[in.day];
  }
  // A slot emptied in this batch is given out again only now that its zeros
  // are on disk.
  for (const auto& at : p.removed) {
    classes_[at.cls]->give(at.slot);
    used_ -= classes_[at.cls]->size;
  }
  p.inserts.clear();
  p.removed.clear();
}

void EnvelopeStore::abandon(Pending& p) noexcept {
  for (const auto& in : p.inserts) {
    auto& c = *classes_[in.at.cls];
    try {
      zero(c, in.at.slot, in.size);
    } catch (...) {
    }
    std::lock_guard<std::mutex> lock(mutex_);
    c.give(in.at.slot);
    used_ -= c.size;
  }
  std::lock_guard<std::mutex> lock(mutex_);
  for (const auto& at : p.removed) {
    classes_[at.cls]->give(at.slot);
    used_ -= classes_[at.cls]->size;
  }
  p.inserts.clear();
  p.removed.clear();
}

std::vector<int> EnvelopeStore::fds() const {
  std::vector<int> out;
  for (auto& c : classes_) out.push_back(c->fd);
  return out;
}

std::vector<int> EnvelopeStore::fds(const Pending& p) const {
  std::vector<int> out;
  for (std::size_t i = 0; i < classes_.size(); ++i)
    if (p.touched[i]) out.push_back(classes_[i]->fd);
  return out;
}

}  // namespace gongyou::storage
