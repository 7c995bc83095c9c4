#include "analyst/desk_index.h"

#include "analyst/aggregate.h"

#include <sodium.h>
#include <sys/mman.h>

#include <algorithm>
#include <cstring>
#include <stdexcept>

#include "crypto/bytes.h"

namespace gongyou::analyst {

namespace {
constexpr std::size_t kChunkBytes = std::size_t{64} << 20;
constexpr std::size_t kMaxText = 64 * 1024;  // a report's searched text, at most
}  // namespace

DeskIndex::DeskIndex() = default;
DeskIndex::~DeskIndex() { clear(); }

void DeskIndex::clear() {
  for (auto& c : arena_) {
    sodium_memzero(c.data, c.used);
    ::munmap(c.data, c.size);
  }
  arena_.clear();
  rows_.clear();
  strings_.clear();
  ids_.clear();
  categories_.clear();
  rank_.clear();
}

std::string DeskIndex::foldAscii(std::string s) {
  for (auto& c : s)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return s;
}

std::uint32_t DeskIndex::intern(std::string_view s) {
  auto it = ids_.find(std::string(s));
  if (it != ids_.end()) return it->second;
  const auto id = static_cast<std::uint32_t>(strings_.size());
  strings_.emplace_back(s);
  ids_.emplace(strings_.back(), id);
  return id;
}

std::uint64_t DeskIndex::keep(std::string_view text) {
  if (arena_.empty() || arena_.back().size - arena_.back().used < text.size()) {
    void* p = ::mmap(nullptr, kChunkBytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) throw std::runtime_error("desk: out of memory for the inbox index");
    // Decrypted report text: never in a core file.
    ::madvise(p, kChunkBytes, MADV_DONTDUMP);
    arena_.push_back({static_cast<std::uint8_t*>(p), kChunkBytes, 0});
  }
  auto& c = arena_.back();
  std::memcpy(c.data + c.used, text.data(), text.size());
  const std::uint64_t at = (static_cast<std::uint64_t>(arena_.size() - 1) << 32) | c.used;
  c.used += text.size();
  return at;
}

void DeskIndex::build(AnalystStore& store, const std::function<void(std::size_t)>& progress, const Aliases* aliases) {
  static const Aliases kNone;
  NameMemo names(aliases ? *aliases : kNone);
  clear();
  std::string scratch;
  store.forEachReport([&](const std::string& ref, std::uint32_t day, proto::Report::Reader r) {
    Row row{};
    row.day = day;
    Bytes refBytes(AnalystStore::kRefBytes);
    std::size_t n = 0;
    sodium_hex2bin(refBytes.data(), refBytes.size(), ref.data(), ref.size(), nullptr, &n, nullptr);
    std::memcpy(row.ref, refBytes.data(), sizeof row.ref);
    row.evidence = static_cast<std::uint8_t>(std::min<unsigned>(255, r.getAttachments().size()));
    row.answerable = r.getReplyKey().size() > 0;
    auto e = r.getEmployer();
    row.employer = intern(e.getName().cStr());
    row.city = intern(e.getCity().cStr());
    row.province = intern(e.getProvince().cStr());
    row.industry = intern(e.getIndustry().cStr());
    row.workplace = intern(workplaceKey(r, names));
    row.month = intern(reportMonth(r, day));
    row.categoriesAt = static_cast<std::uint32_t>(categories_.size());
    for (auto c : r.getCategories()) categories_.push_back(intern(c.cStr()));
    row.categoryCount = static_cast<std::uint8_t>(categories_.size() - row.categoriesAt);
    scratch.assign(r.getNarrative().cStr(), std::min<std::size_t>(r.getNarrative().size(), kMaxText));
    scratch += '\n';
    scratch.append(e.getName().cStr(), e.getName().size());
    scratch = foldAscii(std::move(scratch));
    row.textAt = keep(scratch);
    row.textLength = static_cast<std::uint32_t>(scratch.size());
    sodium_memzero(scratch.data(), scratch.size());
    rows_.push_back(row);
    if (progress && rows_.size() % 100000 == 0) progress(rows_.size());
  });
  std::vector<std::uint32_t> order(strings_.size());
  for (std::uint32_t i = 0; i < order.size(); ++i) order[i] = i;
  std::sort(order.begin(), order.end(), [&](std::uint32_t a, std::uint32_t b) { return strings_[a] < strings_[b]; });
  rank_.assign(strings_.size(), 0);
  for (std::uint32_t i = 0; i < order.size(); ++i) rank_[order[i]] = i;
  // Newest first; within a day by reference (which is no order at all).
  std::sort(rows_.begin(), rows_.end(), [](const Row& a, const Row& b) {
    return a.day != b.day ? a.day > b.day : std::memcmp(a.ref, b.ref, sizeof a.ref) < 0;
  });
}

std::string DeskIndex::ref(const Row& r) const { return toHex(ByteView(r.ref, sizeof r.ref)); }

std::vector<std::uint32_t> DeskIndex::categories(const Row& r) const {
  return {categories_.begin() + r.categoriesAt, categories_.begin() + r.categoriesAt + r.categoryCount};
}

bool DeskIndex::contains(const Row& r, std::string_view needle) const {
  if (needle.empty()) return true;
  const auto& c = arena_[r.textAt >> 32];
  const void* at = c.data + (r.textAt & 0xffffffffu);
  return ::memmem(at, r.textLength, needle.data(), needle.size()) != nullptr;
}

}  // namespace gongyou::analyst
