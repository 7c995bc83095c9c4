#include "analyst/publication.h"

#include <algorithm>
#include <cstdio>
#include <tuple>

#include "protocol/currency.h"

namespace gongyou::analyst {
namespace {

std::uint64_t at(const std::map<std::string, std::uint64_t>& m, const std::string& k) {
  auto it = m.find(k);
  return it == m.end() ? 0 : it->second;
}

std::vector<Row> exact(const std::map<std::string, std::uint64_t>& m) {
  std::vector<Row> out;
  for (const auto& [k, n] : m) out.push_back({k, {n, Shown::Exact}});
  return out;
}

// A table with no additive relation to others (a report has several kinds of
// violation, several kinds of evidence): small cells alone are hidden.
std::vector<Row> thresholdOnly(const std::map<std::string, std::uint64_t>& m, std::uint64_t minCell) {
  std::vector<Row> out;
  for (const auto& [k, n] : m) out.push_back({k, {n, n > 0 && n < minCell ? Shown::Small : Shown::Exact}});
  return out;
}

// The three kinds of violation most reported of one employer.
std::vector<std::string> mainViolations(const EmployerRow& e, std::uint64_t atLeast) {
  std::vector<std::pair<std::uint64_t, std::string>> v;
  for (const auto& [c, n] : e.categories)
    if (n >= atLeast) v.emplace_back(n, c);
  std::sort(v.begin(), v.end(), [](auto& x, auto& y) { return x.first != y.first ? x.first > y.first : x.second < y.second; });
  std::vector<std::string> out;
  for (std::size_t i = 0; i < v.size() && i < 3; ++i) out.push_back(v[i].second);
  return out;
}

// A partition of the total (provinces with their cities, industries) protected
// as one set of linked tables; `inner`: each row's own rows ("province / city"),
// or null for a one-way table.
bool protectPartition(std::uint64_t total, std::vector<Row>& rows, std::vector<Row>* inner, std::uint64_t minCell) {
  LinkedTables t;
  const int s = t.node(), r = t.node();
  t.fixedCount(s, r, total);
  std::vector<int> rowArc, innerArc;
  std::map<std::string, int> rowNode;
  for (const auto& [k, f] : rows) {
    const int n = inner ? t.node() : s;
    rowNode[k] = n;
    rowArc.push_back(t.count(r, n, f.value, inner != nullptr));
  }
  if (inner)
    for (const auto& [k, f] : *inner) {
      // "province / city": the city's row under its province's.
      const std::string parent = k.substr(0, k.find(" / "));
      auto it = rowNode.find(parent);
      innerArc.push_back(it == rowNode.end() ? -1 : t.count(it->second, s, f.value));
    }
  const bool ok = t.protect(minCell);
  for (std::size_t i = 0; i < rows.size(); ++i) rows[i].second.shown = t.shown(rowArc[i]);
  if (inner)
    for (std::size_t i = 0; i < inner->size(); ++i)
      (*inner)[i].second.shown = innerArc[i] < 0 ? Shown::Small : t.shown(innerArc[i]);
  return ok;
}

SumCell sumCell(std::uint64_t value, std::uint64_t largest, const Figure& count) {
  return {value, largest, count.shown == Shown::Small};
}

}  // namespace

std::string countText(const Figure& f, std::uint64_t minCell) {
  switch (f.shown) {
    case Shown::Small: return "<" + std::to_string(minCell);
    case Shown::Withheld:
    case Shown::Unpublished: return "x";
    case Shown::Exact: break;
  }
  return std::to_string(f.value);
}

std::string amountText(const std::string& currency, const SumFigure& f) {
  if (!f.shown) return "";
  std::uint64_t scale = 1;
  const unsigned exponent = protocol::currencyExponent(currency);
  for (unsigned i = 0; i < exponent; ++i) scale *= 10;
  std::string s = std::to_string(f.value / scale);
  if (const std::uint64_t minor = f.value % scale) {
    std::string digits = std::to_string(minor);
    s += "." + std::string(exponent - digits.size(), '0') + digits;
  }
  return s;
}

Publication publish(const Analysis& a, bool internal, std::uint64_t minCell) {
  Publication p;
  p.internal = internal;
  p.minCell = minCell;
  p.reports = {a.reports, Shown::Exact};
  p.workers = {a.workers, true};
  for (const auto& [c, v] : a.owed) p.owed[c] = {v, true};
  if (!a.byMonth.empty()) p.months = monthRange(a.byMonth.begin()->first, a.byMonth.rbegin()->first);
  for (const auto& m : p.months) p.byMonth.push_back({m, {at(a.byMonth, m), Shown::Exact}});
  p.withEvidence = {a.withEvidence, Shown::Exact};

  if (internal) {
    p.byCategory = exact(a.byCategory), p.byIndicator = exact(a.byIndicator), p.byProvince = exact(a.byProvince);
    p.byCity = exact(a.byCity), p.byIndustry = exact(a.byIndustry), p.evidenceByKind = exact(a.evidenceByKind);
    for (const auto& e : a.employers) {
      PublishedEmployer pe{e.name, e.province, false, false, e.firm, {e.reports, Shown::Exact}, {e.workers, true}, {}, {},
                           mainViolations(e, 1)};
      for (const auto& [c, v] : e.owed) pe.owed[c] = {v, true};
      for (const auto& [m, n] : e.months) pe.months.push_back({m, {n, Shown::Exact}});
      p.employers.push_back(std::move(pe));
    }
    if (a.notNamed.reports) {
      const EmployerRow& e = a.notNamed;
      PublishedEmployer pe{e.name, "", false, true, "", {e.reports, Shown::Exact}, {e.workers, true}, {}, {},
                           mainViolations(e, 1)};
      for (const auto& [c, v] : e.owed) pe.owed[c] = {v, true};
      for (const auto& [m, n] : e.months) pe.months.push_back({m, {n, Shown::Exact}});
      p.employers.push_back(std::move(pe));
    }
    p.alerts = a.alerts;
    return p;
  }

  if (a.reports < minCell) {
    // Too few to say anything but that they are few.
    p.tooFew = true;
    p.reports.shown = a.reports ? Shown::Small : Shown::Exact;
    p.workers.shown = false;
    for (auto& [c, s] : p.owed) s.shown = false;
    p.byMonth.clear();
    p.months.clear();
    p.withEvidence.shown = a.withEvidence ? Shown::Small : Shown::Exact;
    p.alertsWithheld = a.alerts.size();
    return p;
  }

  // Kinds of violation and of evidence: a report counts in several.
  p.byCategory = thresholdOnly(a.byCategory, minCell);
  p.byIndicator = thresholdOnly(a.byIndicator, minCell);
  p.evidenceByKind = thresholdOnly(a.evidenceByKind, minCell);
  if (a.withEvidence > 0 && a.withEvidence < minCell) p.withEvidence.shown = Shown::Small;

  // Provinces with their cities; industries.
  p.byProvince = exact(a.byProvince), p.byCity = exact(a.byCity), p.byIndustry = exact(a.byIndustry);
  if (!protectPartition(a.reports, p.byProvince, &p.byCity, minCell)) {
    p.provincesWithheld = true;
    p.byProvince.clear(), p.byCity.clear();
  }
  if (!protectPartition(a.reports, p.byIndustry, nullptr, minCell)) {
    p.industriesWithheld = true;
    p.byIndustry.clear();
  }

  // Employers x months, with the employers' and the months' totals as margins:
  // rows from node A, months into node B, the grand total from B back to A.
  LinkedTables t;
  const int A = t.node(), B = t.node();
  t.fixedCount(B, A, a.reports);
  std::vector<int> column;
  std::vector<int> colNode;
  for (const auto& [m, f] : p.byMonth) {
    colNode.push_back(t.node());
    column.push_back(t.count(colNode.back(), B, f.value, true));
  }
  struct Emp {
    const EmployerRow* row;
    int total;
    std::vector<int> cells;
  };
  std::vector<Emp> shown;
  EmployerRow other;
  for (const auto& e : a.employers) {
    if (e.reports < minCell) {
      other.reports += e.reports, other.workers += e.workers;
      other.largestWorkers = std::max(other.largestWorkers, e.largestWorkers);
      for (const auto& [c, v] : e.owed) other.owed[c] += v;
      for (const auto& [c, v] : e.largestOwed) other.largestOwed[c] = std::max(other.largestOwed[c], v);
      for (const auto& [m, n] : e.months) other.months[m] += n;
      continue;
    }
    const int r = t.node();
    Emp x{&e, t.count(A, r, e.reports, true), {}};
    for (std::size_t i = 0; i < p.months.size(); ++i) {
      // An empty month reads as a small one, so the months of a lone report
      // among padding are not told by which cells are not zero; in a month with
      // no report at all, every cell is plainly zero.
      const std::uint64_t n = at(e.months, p.months[i]);
      x.cells.push_back(p.byMonth[i].second.value == 0 ? t.fixedCount(r, colNode[i], 0)
                                                        : t.count(r, colNode[i], n, false, true));
    }
    shown.push_back(std::move(x));
  }
  // The merged row and the not-named row: a count each, months never shown.
  auto hiddenMonths = [&](const EmployerRow& e) {
    if (e.reports == 0) return -1;
    const int r = t.node();
    const int arc = t.count(A, r, e.reports, true);
    for (std::size_t i = 0; i < p.months.size(); ++i) t.unpublished(r, colNode[i], at(e.months, p.months[i]));
    return arc;
  };
  const int otherArc = hiddenMonths(other), notNamedArc = hiddenMonths(a.notNamed);
  t.protect(minCell);  // the grand total's cells always leave a way round: the merged row
  for (std::size_t i = 0; i < column.size(); ++i) p.byMonth[i].second.shown = t.shown(column[i]);

  std::vector<SumCell> workers;
  std::map<std::string, std::vector<SumCell>> owed;
  for (const auto& x : shown) {
    const EmployerRow& e = *x.row;
    PublishedEmployer pe{e.name,  e.province, false, false, e.firm, {e.reports, t.shown(x.total)}, {e.workers, true}, {}, {},
                         mainViolations(e, minCell)};
    for (std::size_t i = 0; i < p.months.size(); ++i)
      pe.months.push_back({p.months[i], {t.value(x.cells[i]), t.shown(x.cells[i])}});
    p.employers.push_back(std::move(pe));
    workers.push_back(sumCell(e.workers, e.largestWorkers, p.employers.back().reports));
  }
  std::vector<const EmployerRow*> rows;
  for (const auto& x : shown) rows.push_back(x.row);
  for (auto [arc, row, merged] : {std::tuple<int, const EmployerRow*, bool>{otherArc, &other, true}, {notNamedArc, &a.notNamed, false}}) {
    if (arc < 0) continue;
    PublishedEmployer pe{merged ? "" : row->name, "", merged, !merged, "", {row->reports, t.shown(arc)}, {row->workers, true},
                         {}, {}, {}};
    p.employers.push_back(std::move(pe));
    rows.push_back(row);
    workers.push_back(sumCell(row->workers, row->largestWorkers, p.employers.back().reports));
  }
  // Sums: workers, and each currency on its own.
  const SumsShown w = protectSums(workers, {a.workers, a.largestWorkers, false});
  p.workers.shown = w.total;
  for (std::size_t i = 0; i < p.employers.size(); ++i) p.employers[i].workers.shown = w.parts[i];
  for (const auto& [currency, total] : a.owed) {
    std::vector<SumCell> parts;
    for (std::size_t i = 0; i < p.employers.size(); ++i) {
      const EmployerRow& e = *rows[i];
      parts.push_back(sumCell(at(e.owed, currency), at(e.largestOwed, currency), p.employers[i].reports));
    }
    const SumsShown s = protectSums(parts, {total, at(a.largestOwed, currency), false});
    p.owed[currency].shown = s.total;
    for (std::size_t i = 0; i < p.employers.size(); ++i) {
      const std::uint64_t v = parts[i].value;
      if (v != 0 || !s.parts[i]) p.employers[i].owed[currency] = {v, s.parts[i]};
    }
  }

  // Alerts: none about fewer reports than the threshold, none about a figure
  // withheld above, and a jump or surge without the average it was measured
  // against (six months' sum of hidden cells).
  std::map<std::string, Shown> latestCell;
  for (const auto& pe : p.employers)
    if (!pe.merged && !pe.notNamed && !pe.months.empty()) latestCell[pe.name] = pe.months.back().second.shown;
  for (const auto& al : a.alerts) {
    const bool hiddenCell = (al.kind == "jump" && latestCell.count(al.subject) && latestCell[al.subject] != Shown::Exact) ||
                            (al.kind == "surge" && !p.byMonth.empty() && p.byMonth.back().second.hidden());
    if (al.reports < minCell || hiddenCell) {
      ++p.alertsWithheld;
      continue;
    }
    Alert pub = al;
    if (pub.kind == "jump" || pub.kind == "surge") {
      pub.mean = -1;  // not shown
      pub.text = alertText(pub, Messages::forLanguage("en", TextDomain::Analyst));
    }
    p.alerts.push_back(std::move(pub));
  }
  return p;
}

}  // namespace gongyou::analyst
