// Statistical disclosure control for the figures that leave the centre: no
// published figure, alone or combined with the others, points at one worker.
//
// Why more than "counts under 5 are shown as <5": the tables add up. With a
// province shown as "<5" and every other province and the total shown, the
// total minus the rest is that province's exact count; a city hidden inside a
// province, an employer's month inside its year, and a merged row of small
// employers fall the same way. So, as statistical offices do (tau-ARGUS,
// sdcTable), a small cell is protected by complementary suppression: further
// cells are withheld until no hidden cell can be worked out from what is shown.
//
// The model. The figures of a set of linked tables are the arcs of a flow
// network; at every node what flows in equals what flows out, which is exactly
// each table's additivity (a margin is the sum of its cells; a two-way table is
// rows -> cells -> columns). What a reader of the publication knows of a hidden
// figure is an interval: "<5" is 1..4 (0..4 where an empty cell is shown the
// same way), a withheld "x" is 5 or more (else it would have read "<5"), a
// figure never published is 0 or more. A hidden figure can be worked out exactly
// when every table-consistent completion gives it the same value; because the
// constraints are a network, that holds exactly when no cycle of hidden arcs
// through it can carry one more or one less unit within those intervals (the
// polytope's vertices are integral, so this is the linear-programming audit
// tau-ARGUS runs, done by graph search). protect() withholds, for each small
// cell that could be worked out, the smallest published cell that shares a
// table line with it, until none can.
//
// Sums (workers affected, an amount owed) follow the dominance rule: a sum is
// withheld when one report makes up more than half of it (one report's amount
// would be read off it, even when fake reports padded the count past the
// threshold), or when its count is hidden; the other withheld sums of its table
// must then hide at least half of it again, so a subtraction only bounds it.
//
// What this cannot stop is told in docs/centre.md: someone who sends reports
// themselves knows their part of every cell and can pad a cell to the threshold
// to learn whether one real report shares it.
//
// Failure modes: none thrown; protect() says when a table cannot be published.
#pragma once

#include <cstdint>
#include <limits>
#include <string>
#include <utility>
#include <vector>

namespace gongyou::analyst {

// How a figure appears in a publication.
enum class Shown : std::uint8_t {
  Exact,        // the number itself
  Small,        // "<5": under the threshold
  Withheld,     // "x": not small, hidden so that a small one cannot be worked out
  Unpublished,  // never shown (a figure the tables imply, such as the small employers' months)
};

class LinkedTables {
 public:
  int node();
  // A count published from one node to another. `margin`: a table's total,
  // withheld only when no inner cell will do. `emptyIsSmall`: a zero is shown as
  // "<5" too, where an empty cell would itself tell something (an employer's
  // months: which month a lone report fell in).
  int count(int from, int to, std::uint64_t value, bool margin = false, bool emptyIsSmall = false);
  // A count shown exactly whatever happens here, because another table shows it
  // too (the grand total): never small, never withheld.
  int fixedCount(int from, int to, std::uint64_t value);
  // A figure the tables imply but that is never shown.
  int unpublished(int from, int to, std::uint64_t value);

  // Small counts become Small; then cells are withheld until no hidden figure
  // can be worked out. False when some small cell could not be protected
  // however much was withheld (every other cell of its table fixed or zero):
  // the caller must not publish that table at all.
  bool protect(std::uint64_t minCell);

  Shown shown(int arc) const { return arcs_[static_cast<std::size_t>(arc)].shown; }
  std::uint64_t value(int arc) const { return arcs_[static_cast<std::size_t>(arc)].value; }
  // Whether a hidden figure's exact value follows from what is shown (the
  // audit; after protect(), false for every Small arc).
  bool solvable(int arc) const;

 private:
  struct Arc {
    int from, to;
    std::uint64_t value;
    Shown shown;
    bool margin, emptyIsSmall, fixed;
  };
  struct Edge {
    int to, arc;
  };
  std::pair<std::uint64_t, std::uint64_t> bounds(const Arc& a) const;
  void addResidual(int arc);
  bool reaches(int from, int to, int skipArc) const;
  bool shortPath(int from, int to, int skipArc) const;

  std::uint64_t minCell_ = 5;
  int nodes_ = 0;
  std::vector<Arc> arcs_;
  std::vector<std::vector<Edge>> residual_;  // per node: where a hidden arc can carry one unit more or less
  std::vector<std::vector<Edge>> into_;      // the same edges, by the node they lead to
  mutable std::vector<std::uint32_t> mark_;  // scratch for shortPath
  mutable std::uint32_t stamp_ = 0;
};

// One sum of a table that partitions its total (an employer's workers, the small
// employers' merged row, ...): `largest` is its largest single report's part;
// `countHidden`: its report count is not shown exactly, so nor is the sum.
struct SumCell {
  std::uint64_t value = 0, largest = 0;
  bool countHidden = false;
};

struct SumsShown {
  std::vector<bool> parts;  // per part: shown
  bool total = true;
};

// Which sums of a partition and of its total may be shown (dominance rule and
// complementary suppression, as above).
SumsShown protectSums(const std::vector<SumCell>& parts, const SumCell& total);

// The dominance rule alone: one report makes up more than half of the sum.
inline bool dominated(const SumCell& s) { return s.value > 0 && s.largest * 2 > s.value; }

}  // namespace gongyou::analyst
