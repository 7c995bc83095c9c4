// What leaves the centre must not point at a worker: the subtraction attack and
// the padding attack of issue 20, run as an outsider would, against the files a
// centre publishes, by an attacker written apart from the code that protects
// them (interval propagation over every sum the tables imply).
#include <catch2/catch.hpp>

#include <capnp/message.h>
#include <nlohmann/json.hpp>

#include <cmath>
#include <fstream>
#include <limits>
#include <map>
#include <sstream>

#include "analyst/aggregate.h"
#include "analyst/disclosure.h"
#include "analyst/exports.h"
#include "analyst/store.h"
#include "protocol/canonical.h"
#include "protocol/day.h"
#include "storage/file.h"
#include "support/tempdir.h"

using namespace gongyou;
using namespace gongyou::analyst;

namespace {

const crypto::KdfCost kCheap{crypto_pwhash_argon2id_OPSLIMIT_MIN, crypto_pwhash_argon2id_MEMLIMIT_MIN};

struct R {
  std::string employer, province, city;
  unsigned year, month, workers;
  std::uint64_t owed;  // minor units
  std::string currency = "CNY";
  std::string industry = "electronics";
};

void fill(AnalystStore& store, const std::vector<R>& reports) {
  AnalystStore::Write w(store);
  static int serial = 0;
  for (const auto& r : reports) {
    capnp::MallocMessageBuilder mb;
    auto b = mb.initRoot<proto::Report>();
    b.initEmployer().setName(r.employer);
    b.getEmployer().setProvince(r.province);
    b.getEmployer().setCity(r.city);
    b.getEmployer().setIndustry(r.industry);
    b.initCategories(1).set(0, "wage_arrears");
    b.initOccurred().setYear(static_cast<std::uint16_t>(r.year));
    b.getOccurred().setMonth(static_cast<std::uint8_t>(r.month));
    b.setWorkersAffected(r.workers);
    if (r.owed) b.initAmountOwed().setMinorUnits(r.owed), b.getAmountOwed().setCurrency(r.currency);
    b.setLanguage("en");
    w.putReport(crypto::blake2b("report " + std::to_string(serial++)), protocol::today(),
                protocol::canonicalBytes(b.asReader()));
  }
  w.commit();
}

// ---- the attacker -----------------------------------------------------------

constexpr double kInf = std::numeric_limits<double>::infinity();

// Unknowns with what the publication says of them, and the sums the tables
// imply; propagation narrows every unknown to what all the sums allow.
struct Attacker {
  struct Var {
    std::string name;
    double lo, hi;
  };
  std::vector<Var> vars;
  struct Sum {
    std::vector<int> vars;
    double constant;  // sum(vars) == constant
  };
  std::vector<Sum> sums;

  int unknown(const std::string& name, double lo, double hi) {
    vars.push_back({name, lo, hi});
    return static_cast<int>(vars.size()) - 1;
  }
  // A published cell: a known number, or an unknown with the bounds its mark gives.
  struct Term {
    int var = -1;
    double known = 0;
  };
  Term cell(const std::string& name, const std::string& text, bool emptyLooksSmall = false) {
    if (text == "<5") return {unknown(name, emptyLooksSmall ? 0 : 1, 4)};
    if (text == "x") return {unknown("x " + name, 5, kInf)};
    if (text.empty()) return {unknown(name, 0, kInf)};  // a sum left blank
    return {-1, std::stod(text)};
  }
  // whole == sum(parts)
  void add(const Term& whole, const std::vector<Term>& parts) {
    Sum s{{}, 0};
    for (const auto& t : parts) t.var >= 0 ? s.vars.push_back(t.var) : void(s.constant -= t.known);
    if (whole.var >= 0) {
      // An unknown whole joins the parts as its negation (a mirror kept equal to -whole).
      const auto& w = vars[static_cast<std::size_t>(whole.var)];
      const int mirror = unknown("-" + w.name, -w.hi, -w.lo);
      mirrors.push_back({whole.var, mirror});
      s.vars.push_back(mirror);
    } else {
      s.constant += whole.known;
    }
    sums.push_back(s);
  }
  std::vector<std::pair<int, int>> mirrors;

  void propagate() {
    for (int round = 0; round < 500; ++round) {
      bool changed = false;
      auto tighten = [&](int v, double lo, double hi) {
        auto& x = vars[static_cast<std::size_t>(v)];
        if (lo > x.lo + 1e-9) x.lo = lo, changed = true;
        if (hi < x.hi - 1e-9) x.hi = hi, changed = true;
      };
      for (const auto& s : sums)
        for (int v : s.vars) {
          // The others' least and most (a lower bound is finite or -inf, an
          // upper one finite or +inf, so these never meet as inf - inf).
          double othersLo = 0, othersHi = 0;
          for (int o : s.vars)
            if (o != v) othersLo += vars[static_cast<std::size_t>(o)].lo, othersHi += vars[static_cast<std::size_t>(o)].hi;
          tighten(v, s.constant - othersHi, s.constant - othersLo);
        }
      for (auto [v, m] : mirrors) {
        tighten(v, -vars[m].hi, -vars[m].lo);
        tighten(m, -vars[v].hi, -vars[v].lo);
      }
      if (!changed) break;
    }
  }
  // Every protected unknown (a small count or a sum left blank) pinned to one
  // value. A withheld "x" is 5 or more: working one out tells no small count.
  std::vector<std::string> solved() const {
    std::vector<std::string> out;
    for (const auto& v : vars)
      if (v.name[0] != '-' && v.hi - v.lo < 0.5 && !(v.name.rfind("x ", 0) == 0) &&
          // A figure never published (the small employers' share of a month)
          // pinned at zero says nobody; pinned at 1 to 4 it would be a count.
          !(v.name.rfind("small employers in", 0) == 0 && v.lo == 0))
        out.push_back(v.name + " = " + std::to_string(v.lo));
    return out;
  }
  Var& var(const std::string& name) {
    for (auto& v : vars)
      if (v.name == name || v.name == "x " + name) return v;
    throw std::runtime_error("no unknown " + name);
  }
};

std::vector<std::vector<std::string>> readCsv(const std::string& path) {
  Bytes raw = storage::readFile(path);
  std::string text(raw.begin(), raw.end());
  std::vector<std::vector<std::string>> rows;
  std::vector<std::string> row;
  std::string field;
  bool quoted = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (quoted) {
      if (c == '"' && i + 1 < text.size() && text[i + 1] == '"') field += '"', ++i;
      else if (c == '"') quoted = false;
      else field += c;
    } else if (c == '"') quoted = true;
    else if (c == ',') row.push_back(field), field.clear();
    else if (c == '\n') row.push_back(field), field.clear(), rows.push_back(row), row.clear();
    else field += c;
  }
  rows.erase(rows.begin());  // the header
  return rows;
}

// Reads a centre's published exports and sets up every sum they imply.
Attacker attack(const std::string& dir) {
  Attacker a;
  Bytes raw = storage::readFile(dir + "/summary.json");
  const auto summary = nlohmann::json::parse(std::string(raw.begin(), raw.end()));
  const Attacker::Term total = a.cell("total", summary["reports"].get<std::string>());
  auto oneWay = [&](const std::string& file, const std::string& prefix) {
    std::map<std::string, Attacker::Term> cells;
    std::vector<Attacker::Term> parts;
    for (const auto& r : readCsv(dir + "/" + file)) {
      cells[r[0]] = a.cell(prefix + r[0], r.back());
      parts.push_back(cells[r[0]]);
    }
    if (!parts.empty()) a.add(total, parts);
    return cells;
  };
  auto provinces = oneWay("by-province.csv", "province ");
  oneWay("by-industry.csv", "industry ");
  auto months = oneWay("by-month.csv", "month ");
  std::map<std::string, std::vector<Attacker::Term>> cities;
  for (const auto& r : readCsv(dir + "/by-city.csv"))
    cities[r[0].substr(0, r[0].find(" / "))].push_back(a.cell("city " + r[0], r[1]));
  for (const auto& [p, parts] : cities) a.add(provinces.at(p), parts);

  // Employers: their reports add up to the total; the merged row of small
  // employers is whatever the named ones leave.
  const auto employers = readCsv(dir + "/by-employer.csv");
  std::map<std::string, Attacker::Term> reports;
  std::vector<Attacker::Term> all, workers;
  std::map<std::string, std::vector<Attacker::Term>> owed;  // per currency column
  std::vector<std::string> others;  // rows whose months are never shown
  for (const auto& r : employers) {
    // employer, firm, province, reports, workers, amounts per currency..., main violations
    reports[r[0]] = a.cell("employer " + r[0], r[3]);
    all.push_back(reports[r[0]]);
    if (r[0].rfind("Other employers", 0) == 0 || r[0] == "Employer not named") others.push_back(r[0]);
    workers.push_back(a.cell("workers of " + r[0], r[4]));
    for (std::size_t c = 5; c + 1 < r.size(); ++c) owed[std::to_string(c)].push_back(a.cell("owed " + std::to_string(c) + " by " + r[0], r[c]));
  }
  a.add(total, all);
  if (!summary["workersAffected"].get<std::string>().empty())
    a.add(a.cell("all workers", summary["workersAffected"].get<std::string>()), workers);
  std::size_t col = 5;
  for (const auto& [currency, amount] : summary["amountOwed"].items()) {
    if (!amount.get<std::string>().empty())
      a.add(a.cell("all owed " + currency, amount.get<std::string>()), owed[std::to_string(col)]);
    ++col;
  }
  // Employer by month: each row adds up to its employer, each column (with the
  // merged row's unknown part) to its month.
  std::map<std::string, std::vector<Attacker::Term>> rows, columns;
  for (const auto& r : readCsv(dir + "/employer-months.csv")) {
    auto t = a.cell(r[0] + " in " + r[1], r[2], true);
    rows[r[0]].push_back(t);
    columns[r[1]].push_back(t);
  }
  for (const auto& [e, parts] : rows) a.add(reports.at(e), parts);
  std::map<std::string, std::vector<Attacker::Term>> hiddenMonths;
  for (auto& [m, parts] : columns) {
    if (!(months.at(m).var < 0 && months.at(m).known == 0))
      for (const auto& o : others) {
        hiddenMonths[o].push_back({a.unknown("small employers in " + m + " (" + o + ")", 0, kInf)});
        parts.push_back(hiddenMonths[o].back());
      }
    a.add(months.at(m), parts);
  }
  for (const auto& o : others) a.add(reports.at(o), hiddenMonths[o]);
  a.propagate();
  return a;
}

std::string everything(const std::string& dir) {
  std::string all;
  for (const char* f : {"by-employer.csv", "employer-months.csv", "by-category.csv", "by-province.csv", "by-city.csv",
                        "by-month.csv", "by-industry.csv", "alerts.csv", "summary.json", "dashboard.html"}) {
    Bytes raw = storage::readFile(dir + "/" + f);
    all += std::string(raw.begin(), raw.end());
  }
  return all;
}

}  // namespace

TEST_CASE("disclosure: a small cell with its table's total is protected by withholding the next smallest") {
  LinkedTables t;
  const int s = t.node(), r = t.node();
  t.fixedCount(s, r, 29);
  const int tibet = t.count(r, s, 4), hunan = t.count(r, s, 7), guangdong = t.count(r, s, 18);
  // Only the small cell hidden: the total minus the rest gives it.
  LinkedTables naive = t;
  REQUIRE(naive.protect(5));
  t = naive;
  CHECK(t.shown(tibet) == Shown::Small);
  CHECK_FALSE(t.solvable(tibet));
  CHECK(t.shown(hunan) == Shown::Withheld);  // the smallest other, not the largest
  CHECK(t.shown(guangdong) == Shown::Exact);

  // The audit itself: with only the small cell hidden it is solvable.
  LinkedTables bare;
  const int s2 = bare.node(), r2 = bare.node();
  bare.fixedCount(s2, r2, 29);
  const int lone = bare.count(r2, s2, 4);
  bare.count(r2, s2, 25);
  REQUIRE(bare.protect(5));  // withholds the 25
  CHECK_FALSE(bare.solvable(lone));
}

TEST_CASE("disclosure: two small cells at their bounds are worked out, and a third is withheld") {
  // 4 + 4 + 12 = 20: "<5" twice against a remainder of 8 leaves only 4 and 4.
  LinkedTables t;
  const int s = t.node(), r = t.node();
  t.fixedCount(s, r, 20);
  const int a = t.count(r, s, 4), b = t.count(r, s, 4), c = t.count(r, s, 12);
  REQUIRE(t.protect(5));
  CHECK_FALSE(t.solvable(a));
  CHECK_FALSE(t.solvable(b));
  CHECK(t.shown(c) == Shown::Withheld);
  // And a table whose every other figure is fixed cannot be published.
  LinkedTables stuck;
  const int s2 = stuck.node(), r2 = stuck.node();
  stuck.fixedCount(s2, r2, 8);
  stuck.count(r2, s2, 4), stuck.count(r2, s2, 4);
  CHECK_FALSE(stuck.protect(5));
}

TEST_CASE("disclosure: a small employer-month is worked out through its column unless a cell there is withheld") {
  // Two employers, no small ones: a month's total minus the other employer's
  // cell is the hidden one.
  LinkedTables t;
  const int A = t.node(), B = t.node(), m1 = t.node(), m2 = t.node(), e1 = t.node(), e2 = t.node();
  t.fixedCount(B, A, 30);
  t.count(m1, B, 10, true), t.count(m2, B, 20, true);
  t.count(A, e1, 13, true), t.count(A, e2, 17, true);
  const int small = t.count(e1, m1, 3, false, true);
  const int big = t.count(e1, m2, 10, false, true);
  const int other1 = t.count(e2, m1, 7, false, true), other2 = t.count(e2, m2, 10, false, true);
  REQUIRE(t.protect(5));
  CHECK_FALSE(t.solvable(small));
  // The rectangle: one cell in its row and one in its column, then the fourth.
  int withheld = 0;
  for (int c : {big, other1, other2}) withheld += t.shown(c) == Shown::Withheld;
  CHECK(withheld == 3);
}

TEST_CASE("disclosure: a sum mostly one report's is withheld, and another with it") {
  // Employer 0: one real report of 3640 yuan among four fake ones of nothing.
  std::vector<SumCell> parts{{364000, 364000, false}, {50000, 20000, false}, {900000, 100000, false}, {80000, 30000, false}};
  SumsShown s = protectSums(parts, {1394000, 364000, false});
  CHECK(s.total);
  CHECK_FALSE(s.parts[0]);
  // The next withheld must hide at least half of it again: not the 50000.
  CHECK(s.parts[1]);
  CHECK_FALSE(s.parts[2]);
  CHECK(s.parts[3]);
  CHECK(dominated({10, 6, false}));
  CHECK_FALSE(dominated({10, 5, false}));
  CHECK_FALSE(dominated({0, 0, false}));
}

TEST_CASE("published exports: subtraction across provinces, cities, employers and months finds nothing") {
  test::TempDir dir;
  AnalystStore store(dir.path(), "pass", kCheap);
  std::vector<R> rs;
  auto add = [&](int n, R r) {
    for (int i = 0; i < n; ++i) rs.push_back(r);
  };
  // 西藏 has 4 reports: the total minus the other provinces used to give it.
  add(9, {"Foxconn (Zhengzhou)", "河南", "郑州", 2026, 9, 3, 120000});
  add(6, {"Foxconn (Zhengzhou)", "河南", "郑州", 2026, 10, 2, 80000});
  add(8, {"Huaqiang Electronics", "广东", "深圳", 2026, 10, 5, 300000});
  add(3, {"Huaqiang Electronics", "广东", "东莞", 2026, 9, 5, 300000});
  add(4, {"Lhasa Builders", "西藏", "拉萨", 2026, 10, 1, 50000, "CNY", "construction"});
  add(2, {"Small Shop", "广东", "深圳", 2026, 8, 1, 10000});
  add(7, {"Delta Garments", "江苏", "苏州", 2026, 8, 4, 70000, "CNY", "garments"});
  add(1, {"Delta Garments", "江苏", "无锡", 2026, 10, 4, 70000, "CNY", "garments"});
  fill(store, rs);
  Analysis an = analyse(store, {});
  ExportOptions pub;
  pub.centreName = "Test Centre";
  writeExports(an, dir / "out", pub);

  Attacker at = attack(dir / "out");
  INFO(everything(dir / "out"));
  CHECK(at.solved().empty());
  for (const auto& s : at.solved()) UNSCOPED_INFO("solved: " << s);
  // The province is still shown as small, and the rest that hides it is marked.
  CHECK(at.var("province 西藏").hi >= 4);
  const std::string all = everything(dir / "out");
  CHECK(all.find("西藏,<5") != std::string::npos);
}

TEST_CASE("published exports: four fake reports padding an employer reveal neither the real report's amount nor its month") {
  test::TempDir dir;
  AnalystStore store(dir.path(), "pass", kCheap);
  std::vector<R> rs;
  auto add = [&](int n, R r) {
    for (int i = 0; i < n; ++i) rs.push_back(r);
  };
  add(12, {"Foxconn", "河南", "郑州", 2026, 7, 3, 120000});
  add(9, {"Foxconn", "河南", "郑州", 2026, 10, 2, 80000});
  add(8, {"Huaqiang Electronics", "广东", "深圳", 2026, 10, 5, 300000});
  add(6, {"Huaqiang Electronics", "广东", "深圳", 2026, 8, 5, 250000});
  add(3, {"Corner Shop", "广东", "深圳", 2026, 9, 1, 20000});
  add(2, {"Kiln Works", "江西", "景德镇", 2026, 7, 2, 40000});
  // The real worker: 7 workers owed 3,640.00 yuan, in March.
  rs.push_back({"Target Co", "广东", "东莞", 2026, 3, 7, 364000});
  // The employer's four fakes: nobody, nothing owed, this month.
  add(4, {"Target Co", "广东", "东莞", 2026, 10, 0, 0});
  fill(store, rs);
  Analysis an = analyse(store, {});
  ExportOptions pub;
  pub.centreName = "Test Centre";
  writeExports(an, dir / "out", pub);
  const std::string all = everything(dir / "out");
  INFO(all);
  // The padding did lift the employer over the threshold: it is named.
  CHECK(all.find("Target Co") != std::string::npos);
  // Its amount and workers are nowhere, in any form.
  for (const char* amount : {"3640", "3,640", "364000"}) CHECK(all.find(amount) == std::string::npos);
  Attacker at = attack(dir / "out");
  for (const auto& s : at.solved()) UNSCOPED_INFO("solved: " << s);
  CHECK(at.solved().empty());
  CHECK(at.var("workers of Target Co").hi > 7);
  // Its months: March reads like every month it had nothing in (a month
  // nobody reported in is plainly 0 for everyone).
  for (const auto& r : readCsv(dir / "out/employer-months.csv"))
    if (r[0] == "Target Co") CHECK((r[2] == "<5" || (r[2] == "0" && r[1] >= "2026-04" && r[1] <= "2026-06")));
  // The attacker knows its own four are in October: the fifth is still in any
  // of the months with reports.
  at.var("Target Co in 2026-10").lo = 4;
  at.propagate();
  std::vector<std::string> solved;
  for (const auto& s : at.solved())
    if (s.rfind("Target Co in 2026-10 =", 0) != 0) solved.push_back(s);  // what it knew
  CHECK(solved == std::vector<std::string>{});
  for (const char* m : {"2026-03", "2026-07", "2026-08", "2026-09"}) {
    INFO(m);
    CHECK(at.var(std::string("Target Co in ") + m).lo == 0);
    CHECK(at.var(std::string("Target Co in ") + m).hi >= 1);
  }
}
