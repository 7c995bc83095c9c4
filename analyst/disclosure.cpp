#include "analyst/disclosure.h"

#include <algorithm>
#include <deque>
#include <numeric>
#include <stdexcept>

namespace gongyou::analyst {

namespace {
constexpr std::uint64_t kUnbounded = std::numeric_limits<std::uint64_t>::max();
}

int LinkedTables::node() {
  residual_.emplace_back();
  into_.emplace_back();
  mark_.push_back(0);
  return nodes_++;
}

int LinkedTables::count(int from, int to, std::uint64_t value, bool margin, bool emptyIsSmall) {
  arcs_.push_back({from, to, value, Shown::Exact, margin, emptyIsSmall, false});
  return static_cast<int>(arcs_.size()) - 1;
}

int LinkedTables::fixedCount(int from, int to, std::uint64_t value) {
  arcs_.push_back({from, to, value, Shown::Exact, true, false, true});
  return static_cast<int>(arcs_.size()) - 1;
}

int LinkedTables::unpublished(int from, int to, std::uint64_t value) {
  arcs_.push_back({from, to, value, Shown::Unpublished, false, false, false});
  const int a = static_cast<int>(arcs_.size()) - 1;
  addResidual(a);
  return a;
}

// What a reader of the publication knows of the figure.
std::pair<std::uint64_t, std::uint64_t> LinkedTables::bounds(const Arc& a) const {
  switch (a.shown) {
    case Shown::Exact: return {a.value, a.value};
    case Shown::Small: return {a.emptyIsSmall ? 0 : 1, minCell_ - 1};
    case Shown::Withheld: return {minCell_, kUnbounded};
    case Shown::Unpublished: return {0, kUnbounded};
  }
  return {a.value, a.value};
}

void LinkedTables::addResidual(int arc) {
  const Arc& a = arcs_[static_cast<std::size_t>(arc)];
  const auto [lo, hi] = bounds(a);
  if (a.value < hi) {
    residual_[static_cast<std::size_t>(a.from)].push_back({a.to, arc});
    into_[static_cast<std::size_t>(a.to)].push_back({a.from, arc});
  }
  if (a.value > lo) {
    residual_[static_cast<std::size_t>(a.to)].push_back({a.from, arc});
    into_[static_cast<std::size_t>(a.from)].push_back({a.to, arc});
  }
}

// A way of at most three steps: most hidden cells have one (through the merged
// row of small employers, or a neighbour in the same line), and finding it
// costs the degrees of two nodes instead of a search of the whole network.
bool LinkedTables::shortPath(int from, int to, int skipArc) const {
  if (++stamp_ == 0) std::fill(mark_.begin(), mark_.end(), 0), stamp_ = 1;
  for (const Edge& e : into_[static_cast<std::size_t>(to)])
    if (e.arc != skipArc) mark_[static_cast<std::size_t>(e.to)] = stamp_;  // e.to: where the edge comes from
  auto leadsIn = [&](int n) { return mark_[static_cast<std::size_t>(n)] == stamp_; };
  if (leadsIn(from)) return true;
  for (const Edge& w : residual_[static_cast<std::size_t>(from)]) {
    if (w.arc == skipArc) continue;
    if (w.to == to || leadsIn(w.to)) return true;
    for (const Edge& y : residual_[static_cast<std::size_t>(w.to)])
      if (y.arc != skipArc && (y.to == to || leadsIn(y.to))) return true;
  }
  return false;
}

bool LinkedTables::reaches(int from, int to, int skipArc) const {
  std::vector<bool> seen(static_cast<std::size_t>(nodes_), false);
  std::deque<int> queue{from};
  seen[static_cast<std::size_t>(from)] = true;
  while (!queue.empty()) {
    const int n = queue.front();
    queue.pop_front();
    if (n == to) return true;
    for (const Edge& e : residual_[static_cast<std::size_t>(n)])
      if (e.arc != skipArc && !seen[static_cast<std::size_t>(e.to)]) {
        seen[static_cast<std::size_t>(e.to)] = true;
        queue.push_back(e.to);
      }
  }
  return false;
}

bool LinkedTables::solvable(int arc) const {
  const Arc& a = arcs_[static_cast<std::size_t>(arc)];
  if (a.shown == Shown::Exact) return true;
  const auto [lo, hi] = bounds(a);
  // One unit more on this arc must flow back round a cycle of hidden arcs that
  // can each take it (and the same for one unit less), without this arc's own
  // opposite move, which would only undo it.
  auto way = [&](int from, int to) { return shortPath(from, to, arc) || reaches(from, to, arc); };
  const bool up = a.value < hi && way(a.to, a.from);
  if (up) return false;
  const bool down = a.value > lo && way(a.from, a.to);
  return !down;
}

bool LinkedTables::protect(std::uint64_t minCell) {
  minCell_ = minCell;
  for (auto& a : arcs_)
    if (a.shown == Shown::Exact && !a.fixed &&
        ((a.value > 0 && a.value < minCell) || (a.value == 0 && a.emptyIsSmall)))
      a.shown = Shown::Small;
  std::vector<std::vector<int>> incident(static_cast<std::size_t>(nodes_));
  for (std::size_t i = 0; i < arcs_.size(); ++i) {
    incident[static_cast<std::size_t>(arcs_[i].from)].push_back(static_cast<int>(i));
    incident[static_cast<std::size_t>(arcs_[i].to)].push_back(static_cast<int>(i));
    if (arcs_[i].shown == Shown::Small) addResidual(static_cast<int>(i));
  }
  // The published cells that could be withheld among the arcs at `nodes`,
  // cheapest first: an inner cell before a margin, then the smallest. A zero
  // cannot be withheld (an "x" says 5 or more), nor a figure fixed elsewhere.
  auto candidates = [&](const std::vector<int>& nodes) {
    std::vector<int> out;
    for (int n : nodes)
      for (int c : incident[static_cast<std::size_t>(n)]) {
        const Arc& x = arcs_[static_cast<std::size_t>(c)];
        if (x.shown == Shown::Exact && !x.fixed && x.value != 0 && std::find(out.begin(), out.end(), c) == out.end())
          out.push_back(c);
      }
    std::sort(out.begin(), out.end(), [&](int x, int y) {
      const Arc &a = arcs_[static_cast<std::size_t>(x)], &b = arcs_[static_cast<std::size_t>(y)];
      return std::make_pair(a.margin, a.value) < std::make_pair(b.margin, b.value);
    });
    return out;
  };
  auto withhold = [&](int c) {
    arcs_[static_cast<std::size_t>(c)].shown = Shown::Withheld;
    addResidual(c);
  };
  auto undo = [&](int c) {
    Arc& x = arcs_[static_cast<std::size_t>(c)];
    for (int n : {x.from, x.to})
      for (auto* list : {&residual_, &into_}) {
        auto& edges = (*list)[static_cast<std::size_t>(n)];
        while (!edges.empty() && edges.back().arc == c) edges.pop_back();
      }
    x.shown = Shown::Exact;
  };
  // The nodes joined to the arc's ends through hidden arcs: where a cycle
  // through it could still be closed.
  auto component = [&](const Arc& a) {
    std::vector<bool> seen(static_cast<std::size_t>(nodes_), false);
    std::vector<int> out{a.from, a.to};
    seen[static_cast<std::size_t>(a.from)] = seen[static_cast<std::size_t>(a.to)] = true;
    for (std::size_t i = 0; i < out.size(); ++i)
      for (int c : incident[static_cast<std::size_t>(out[i])]) {
        const Arc& x = arcs_[static_cast<std::size_t>(c)];
        if (x.shown == Shown::Exact) continue;
        for (int n : {x.from, x.to})
          if (!seen[static_cast<std::size_t>(n)]) seen[static_cast<std::size_t>(n)] = true, out.push_back(n);
      }
    return out;
  };
  bool all = true;
  for (std::size_t i = 0; i < arcs_.size(); ++i) {
    if (arcs_[i].shown != Shown::Small) continue;
    // Withholding only adds ways round, so a cell protected stays protected.
    while (solvable(static_cast<int>(i))) {
      std::vector<int> cs = candidates({arcs_[i].from, arcs_[i].to});
      if (cs.empty()) cs = candidates(component(arcs_[i]));
      if (cs.empty()) {
        all = false;
        break;
      }
      // The cheapest that protects it alone, else the cheapest, and look again.
      // (Tried by short cycles only: a full search per candidate would cost
      // the whole network each time.)
      const Arc& a = arcs_[i];
      const auto [lo, hi] = bounds(a);
      const int self = static_cast<int>(i);
      int chosen = cs.front();
      for (std::size_t k = 0; k < cs.size() && k < 8; ++k) {
        withhold(cs[k]);
        const bool enough = (a.value < hi && shortPath(a.to, a.from, self)) || (a.value > lo && shortPath(a.from, a.to, self));
        undo(cs[k]);
        if (enough) {
          chosen = cs[k];
          break;
        }
      }
      withhold(chosen);
    }
  }
  return all;
}

SumsShown protectSums(const std::vector<SumCell>& parts, const SumCell& total) {
  SumsShown out;
  out.parts.assign(parts.size(), true);
  out.total = !dominated(total) && !total.countHidden;
  for (std::size_t i = 0; i < parts.size(); ++i)
    if (parts[i].countHidden || dominated(parts[i])) out.parts[i] = false;
  if (!out.total) return out;  // the parts add up to nothing shown
  // Each sum withheld by the rule needs the other withheld sums of the table to
  // hide at least half of it again, and at least one of them.
  for (std::size_t i = 0; i < parts.size(); ++i) {
    if (out.parts[i] || (!dominated(parts[i]) && !parts[i].countHidden)) continue;
    for (;;) {
      std::uint64_t cover = 0;
      std::size_t others = 0;
      for (std::size_t j = 0; j < parts.size(); ++j)
        if (j != i && !out.parts[j]) cover += parts[j].value, ++others;
      if (others > 0 && cover * 2 >= parts[i].value) break;
      const std::uint64_t need = parts[i].value / 2 + 1 > cover ? parts[i].value / 2 + 1 - cover : 1;
      // The smallest shown sum that covers what is missing, else the largest.
      std::size_t pick = parts.size();
      for (std::size_t j = 0; j < parts.size(); ++j) {
        if (j == i || !out.parts[j]) continue;
        if (pick == parts.size()) {
          pick = j;
          continue;
        }
        const bool jCovers = parts[j].value >= need, pickCovers = parts[pick].value >= need;
        if (jCovers != pickCovers ? jCovers : jCovers ? parts[j].value < parts[pick].value
                                                      : parts[j].value > parts[pick].value)
          pick = j;
      }
      if (pick == parts.size()) {
        out.total = false;  // nothing left to withhold: the total goes instead
        return out;
      }
      out.parts[pick] = false;
    }
  }
  return out;
}

}  // namespace gongyou::analyst
