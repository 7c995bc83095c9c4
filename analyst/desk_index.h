// The desk's inbox index: what the inbox needs of every report, held in memory
// while the desk runs, so that the first page and a filtered search over a
// million reports answer in well under a second (bench_analyst) instead of
// decrypting the whole store for every request.
//
// Built once at start (and again when the store's report count changes: an
// import while the desk runs), newest first. Short fields (employer, place,
// industry, categories) are interned; the text searched (the narrative and the
// employer's name, ASCII letters folded to lower case) lives in an arena of
// anonymous memory marked MADV_DONTDUMP and wiped when the index goes: it is
// decrypted report text, and must never reach a core file or the disk.
//
// Threads: one (the desk's). Failure modes: build() throws what the store
// throws (a damaged value); queries never throw.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "analyst/names.h"
#include "analyst/store.h"

namespace gongyou::analyst {

class DeskIndex {
 public:
  DeskIndex();
  ~DeskIndex();
  DeskIndex(const DeskIndex&) = delete;
  DeskIndex& operator=(const DeskIndex&) = delete;

  // Reads every report of `store` (progress: reports done so far, now and then).
  // `aliases`: how the analysis keys workplaces (Row::workplace).
  void build(AnalystStore& store, const std::function<void(std::size_t)>& progress = {}, const Aliases* aliases = nullptr);
  std::size_t size() const { return rows_.size(); }

  struct Row {
    std::uint32_t day;
    std::uint8_t ref[AnalystStore::kRefBytes];
    std::uint8_t evidence;
    bool answerable;
    std::uint32_t employer, city, province, industry;  // interned
    std::uint32_t workplace, month;                    // interned: as the analysis keys and dates it
    std::uint32_t categoriesAt;                        // into categories_
    std::uint8_t categoryCount;
    std::uint64_t textAt;                              // into the arena
    std::uint32_t textLength;
  };
  const std::vector<Row>& rows() const { return rows_; }
  const std::string& text(std::uint32_t id) const { return strings_[id]; }
  std::size_t strings() const { return strings_.size(); }
  // The interned id of `s`, if any report has it.
  std::optional<std::uint32_t> find(const std::string& s) const {
    auto it = ids_.find(s);
    return it == ids_.end() ? std::nullopt : std::optional<std::uint32_t>(it->second);
  }
  std::string ref(const Row& r) const;
  // The row's categories (interned ids) and whether its searched text holds `needle`
  // (already folded with foldAscii).
  std::vector<std::uint32_t> categories(const Row& r) const;
  bool contains(const Row& r, std::string_view needle) const;
  static std::string foldAscii(std::string s);
  // Where an interned string sorts among all of them (for sorting by employer).
  std::uint32_t rank(std::uint32_t id) const { return rank_[id]; }

 private:
  std::uint32_t intern(std::string_view s);
  std::uint64_t keep(std::string_view text);  // copies into the arena
  void clear();

  std::vector<Row> rows_;
  std::vector<std::string> strings_;
  std::unordered_map<std::string, std::uint32_t> ids_;
  std::vector<std::uint32_t> categories_;
  std::vector<std::uint32_t> rank_;
  struct Chunk {
    std::uint8_t* data;
    std::size_t size, used;
  };
  std::vector<Chunk> arena_;
};

}  // namespace gongyou::analyst
