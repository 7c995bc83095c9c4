#include "analyst/aggregate.h"

#include <algorithm>
#include <cstdio>
#include <set>
#include <string_view>

#include "protocol/attachments.h"
#include "protocol/currency.h"
#include "protocol/employer_id.h"
#include "protocol/day.h"
#include "protocol/taxonomy.h"

namespace gongyou::analyst {
namespace {

const std::set<std::string>& seriousCategories() {
  static const std::set<std::string> s = {"forced_labour", "child_labour", "work_injury", "occupational_disease",
                                          "violence_threats"};
  return s;
}


// The months before `latest`, newest first.
std::vector<std::string> previousMonths(const std::string& latest, int n) {
  int y = std::stoi(latest.substr(0, 4)), m = std::stoi(latest.substr(5, 2));
  std::vector<std::string> out;
  for (int i = 0; i < n; ++i) {
    if (--m == 0) m = 12, --y;
    char buf[32];
    std::snprintf(buf, sizeof buf, "%04d-%02d", y, m);
    out.push_back(buf);
  }
  return out;
}

void jump(Analysis& a, const std::string& subject, const std::map<std::string, std::uint64_t>& months,
          const std::string& key = "") {
  if (a.latestMonth.empty()) return;
  auto it = months.find(a.latestMonth);
  const std::uint64_t now = it == months.end() ? 0 : it->second;
  if (now < 3) return;
  double sum = 0;
  for (const auto& m : previousMonths(a.latestMonth, 6))
    if (auto p = months.find(m); p != months.end()) sum += static_cast<double>(p->second);
  const double mean = sum / 6.0;
  if (static_cast<double>(now) < 3.0 * std::max(mean, 1.0)) return;
  Alert al{"jump", subject, key, now, {}, {}, a.latestMonth, mean};
  al.text = alertText(al, Messages::forLanguage("en", TextDomain::Analyst));
  a.alerts.push_back(std::move(al));
}

// Adds one row's reports to another's (the same employer found by two keys).
void absorb(EmployerRow& into, const EmployerRow& from) {
  into.reports += from.reports, into.workers += from.workers;
  into.largestWorkers = std::max(into.largestWorkers, from.largestWorkers);
  for (const auto& [c, v] : from.owed) into.owed[c] += v;
  for (const auto& [c, v] : from.largestOwed) into.largestOwed[c] = std::max(into.largestOwed[c], v);
  for (const auto& [k, n] : from.categories) into.categories[k] += n;
  for (const auto& [k, n] : from.indicators) into.indicators[k] += n;
  for (const auto& [k, n] : from.months) into.months[k] += n;
}

}  // namespace

std::string monthOf(std::uint32_t day) { return protocol::isoDate(day).substr(0, 7); }

std::string reportMonth(proto::Report::Reader r, std::uint32_t day) {
  if (r.getOccurred().getYear() == 0 || r.getOccurred().getMonth() == 0) return monthOf(day);
  char buf[32];
  std::snprintf(buf, sizeof buf, "%04u-%02u", unsigned(r.getOccurred().getYear()), unsigned(r.getOccurred().getMonth()));
  return buf;
}

std::string workplaceKey(proto::Report::Reader r, NameMemo& names, bool* identifiedOut) {
  const auto emp = r.getEmployer();
  const std::string country = emp.getCountry(), id = emp.getIdentifier();
  // A valid registry number names one legal entity however it is spelled, and wins over the name.
  const bool identified = !id.empty() && protocol::employerIdentifier(country, id) == id;
  if (identifiedOut) *identifiedOut = identified;
  if (identified) return country + "|id:" + id;
  const EmployerName& parsed = names.employer(emp.getName().cStr());
  if (!parsed.named()) return "";
  return country + "|" + names.province(emp.getProvince().cStr()) + "|" + parsed.firm + "|" + parsed.branch;
}

std::string alertText(const Alert& al, const Messages& tr) {
  const std::string n = std::to_string(al.reports);
  if (al.kind == "surge") {
    if (al.mean < 0)
      // TRANSLATORS: a published alert about the centre's reports as a whole; %1$s a count, %2$s a month (2026-10).
      return tr.plural("All reports: %1$s in %2$s, at least one and a half times the monthly average over the 6 months before",
                       "All reports: %1$s in %2$s, at least one and a half times the monthly average over the 6 months before",
                       al.reports, {n, al.month});
    char mean[32];
    std::snprintf(mean, sizeof mean, "%.1f", al.mean);
    // TRANSLATORS: the centre's reports as a whole; %1$s a count, %2$s a month (2026-10), %3$s an average (258.5).
    return tr.plural("All reports: %1$s in %2$s against an average of %3$s a month over the 6 months before",
                     "All reports: %1$s in %2$s against an average of %3$s a month over the 6 months before", al.reports,
                     {n, al.month, mean});
  }
  if (al.kind == "jump" && al.mean < 0)
    // TRANSLATORS: a published alert, without the average (it would tell hidden figures). %1$s an employer or
    // province, %2$s a count, %3$s a month (2026-10).
    return tr.plural("%1$s: %2$s report in %3$s, at least three times its monthly average over the 6 months before",
                     "%1$s: %2$s reports in %3$s, at least three times its monthly average over the 6 months before",
                     al.reports, {al.subject, n, al.month});
  if (al.kind == "jump") {
    char mean[32];
    std::snprintf(mean, sizeof mean, "%.1f", al.mean);
    // TRANSLATORS: %1$s an employer or province, %2$s a count, %3$s a month (2026-10), %4$s an average (2.5).
    return tr.plural("%1$s: %2$s report in %3$s against an average of %4$s a month over the 6 months before",
                     "%1$s: %2$s reports in %3$s against an average of %4$s a month over the 6 months before",
                     al.reports, {al.subject, n, al.month, mean});
  }
  if (protocol::findIndicator(al.what))
    // TRANSLATORS: %1$s an employer, %2$s a count, %3$s one of the ILO's indicators of forced labour.
    return tr.plural("%1$s: %2$s report of %3$s (ILO forced-labour indicator)",
                     "%1$s: %2$s reports of %3$s (ILO forced-labour indicator)", al.reports,
                     {al.subject, n, protocol::indicatorName(al.what, tr.tag())});
  const std::string name = protocol::categoryName(al.what, tr.tag());
  // TRANSLATORS: %1$s an employer, %2$s a count, %3$s a kind of violation (forced labour, work injury...).
  return tr.plural("%1$s: %2$s report of %3$s (serious at any count)", "%1$s: %2$s reports of %3$s (serious at any count)",
                   al.reports, {al.subject, n, name});
}

std::vector<std::string> monthRange(const std::string& first, const std::string& last) {
  std::vector<std::string> out;
  if (first.size() != 7 || last.size() != 7) return out;
  int y = std::stoi(first.substr(0, 4)), m = std::stoi(first.substr(5, 2));
  for (int guard = 0; guard < 12 * 200; ++guard) {
    char buf[16];
    std::snprintf(buf, sizeof buf, "%04d-%02d", y, m);
    out.push_back(buf);
    if (out.back() >= last) break;
    if (++m == 13) m = 1, ++y;
  }
  return out;
}

std::vector<std::string> lastMonths(const std::string& latest, int n) {
  if (latest.size() != 7) return {};
  auto before = previousMonths(latest, n - 1);
  std::vector<std::string> out(before.rbegin(), before.rend());
  out.push_back(latest);
  return out;
}

void findAlerts(Analysis& a) {
  a.alerts.clear();
  const Messages& en = Messages::forLanguage("en", TextDomain::Analyst);
  auto serious = [&](const std::string& subject, std::uint64_t n, const std::string& what, const std::string& key = "") {
    Alert al{"serious", subject, key, n, {}, what, {}, 0};
    al.text = alertText(al, en);
    a.alerts.push_back(std::move(al));
  };
  for (const auto& e : a.employers) {
    for (const auto& [f, n] : e.indicators) serious(e.name, n, f, e.key);
    for (const auto& [cat, n] : e.categories)
      if (seriousCategories().count(cat)) serious(e.name, n, cat, e.key);
  }
  // Not named is not an employer, but a forced-labour report is serious whoever it is about.
  const std::string notNamed = "(employer not named)";
  for (const auto& [f, n] : a.notNamed.indicators) serious(notNamed, n, f);
  for (const auto& [cat, n] : a.notNamed.categories)
    if (seriousCategories().count(cat)) serious(notNamed, n, cat);
  // The centre as a whole: a month well above the six before it, where no one
  // employer or province jumps alone (a wave across many small ones).
  if (!a.latestMonth.empty()) {
    const std::uint64_t now = a.byMonth.count(a.latestMonth) ? a.byMonth.at(a.latestMonth) : 0;
    double sum = 0;
    for (const auto& m : previousMonths(a.latestMonth, 6))
      if (auto p = a.byMonth.find(m); p != a.byMonth.end()) sum += static_cast<double>(p->second);
    const double mean = sum / 6.0;
    if (mean > 0 && static_cast<double>(now) >= kSurgeFactor * mean && static_cast<double>(now) - mean >= kSurgeAtLeast) {
      Alert al{"surge", "", "", now, {}, {}, a.latestMonth, mean};
      al.text = alertText(al, en);
      a.alerts.push_back(std::move(al));
    }
  }
  for (const auto& e : a.employers) jump(a, e.name, e.months, e.key);
  for (const auto& [province, months] : a.provinceByMonth) jump(a, province, months);
  // The centre-wide surge first, then serious ones, then jumps; most reports first within each.
  auto rank = [](const Alert& x) { return x.kind == "surge" ? 0 : x.kind == "serious" ? 1 : 2; };
  std::stable_sort(a.alerts.begin(), a.alerts.end(), [&](const Alert& x, const Alert& y) {
    return rank(x) != rank(y) ? rank(x) < rank(y) : x.reports > y.reports;
  });
}

Analysis analyse(AnalystStore& store, const Aliases& aliases) {
  Analysis a;
  std::map<std::string, EmployerRow> employers;
  std::map<std::string, std::map<std::string, std::uint64_t>> spellings, provinces, firmSpellings;
  std::map<std::string, std::set<std::string>> identifiedAs;  // a name's key -> the registry numbers given with it
  NameMemo names(aliases);
  store.forEachReport([&](const std::string&, std::uint32_t day, proto::Report::Reader r) {
    ++a.reports;
    const std::uint64_t workers = r.getWorkersAffected();
    a.workers += workers;
    a.largestWorkers = std::max(a.largestWorkers, workers);
    // Amounts add up per currency only: a yen is not a yuan.
    const std::string currency = r.getAmountOwed().getCurrency();
    const std::uint64_t owed = r.getAmountOwed().getMinorUnits();
    if (owed != 0 && protocol::validCurrencyCode(currency)) {
      a.owed[currency] += owed;
      a.largestOwed[currency] = std::max(a.largestOwed[currency], owed);
    }
    if (r.getReplyKey().size() != 0) ++a.withReplyKey;
    if (r.getAttachments().size() != 0) {
      ++a.withEvidence;
      std::set<std::string_view> kinds;
      for (auto f : r.getAttachments())
        if (auto t = protocol::findAttachmentType(std::string_view(f.getMediaType().cStr(), f.getMediaType().size())))
          kinds.insert(t->kind);
      for (auto k : kinds) ++a.evidenceByKind[std::string(k)];
    }
    const std::string month = reportMonth(r, day);
    a.byMonth[month]++;
    const std::string& province = names.province(r.getEmployer().getProvince().cStr());
    a.byProvince[province]++;
    std::string city = r.getEmployer().getCity();
    a.byCity[province + " / " + (city.empty() ? std::string("(not given)") : city)]++;
    a.provinceByMonth[province][month]++;
    std::string industry = r.getEmployer().getIndustry();
    a.byIndustry[industry.empty() ? "(not given)" : industry]++;

    // A factory: its firm (after the centre's aliases), its branch, and where
    // it is — the same name in another province or country is another employer.
    const std::string name = r.getEmployer().getName();
    const EmployerName& parsed = names.employer(name);
    const std::string country = r.getEmployer().getCountry();
    const std::string& firmKey = parsed.firm;
    const std::string id = r.getEmployer().getIdentifier();
    bool identified = false;
    const std::string key = workplaceKey(r, names, &identified);
    auto& e = identified || parsed.named() ? employers[key] : a.notNamed;
    e.key = key;
    if (identified) {
      e.firmKey = key, e.branch.clear(), e.country = country, e.identifier = id;
      firmSpellings[key][name]++;
      if (parsed.named()) identifiedAs[country + "|" + province + "|" + firmKey + "|" + parsed.branch].insert(key);
    } else if (parsed.named()) {
      e.firmKey = country + "|" + firmKey, e.branch = parsed.branch, e.country = country;
      firmSpellings[key][parsed.branch.empty() ? name : withoutBrackets(name)]++;
    }
    e.reports++, e.workers += workers;
    e.largestWorkers = std::max(e.largestWorkers, workers);
    if (owed != 0 && protocol::validCurrencyCode(currency)) {
      e.owed[currency] += owed;
      e.largestOwed[currency] = std::max(e.largestOwed[currency], owed);
    }
    e.months[month]++;
    spellings[key][name]++;
    provinces[key][province]++;
    for (auto c : r.getCategories()) {
      a.byCategory[c]++;
      e.categories[c]++;
    }
    for (auto f : r.getForcedLabourIndicators()) {
      a.byIndicator[f]++;
      e.indicators[f]++;
    }
  });
  auto mostCommon = [](const std::map<std::string, std::uint64_t>& m) {
    return std::max_element(m.begin(), m.end(), [](auto& x, auto& y) { return x.second < y.second; })->first;
  };
  // Reports without the number join the employer that reports with it named
  // the same way in the same place, when only one number goes with that name.
  for (const auto& [nameKey, ids] : identifiedAs) {
    auto it = employers.find(nameKey);
    if (ids.size() != 1 || it == employers.end()) continue;
    const std::string& into = *ids.begin();
    a.joined[nameKey] = into;
    absorb(employers[into], it->second);
    for (const auto& [k, n] : spellings[nameKey]) spellings[into][k] += n;
    for (const auto& [k, n] : provinces[nameKey]) provinces[into][k] += n;
    employers.erase(it);
  }
  for (auto& [key, e] : employers) {
    const std::string firm = e.firmKey.substr(e.firmKey.find('|') + 1);
    // A branch keeps the worker's words; a firm the centre's alias if it has one.
    const std::string alias = e.identifier.empty() ? firm : aliases.resolve(parseEmployerName(mostCommon(spellings[key]))).firm;
    e.name = e.branch.empty() ? aliases.display(alias, mostCommon(spellings[key])) : mostCommon(spellings[key]);
    e.firm = aliases.display(alias, mostCommon(firmSpellings[key]));
    e.province = mostCommon(provinces[key]);
    a.employers.push_back(e);
  }
  if (a.notNamed.reports) a.notNamed.name = "(employer not named)";
  std::stable_sort(a.employers.begin(), a.employers.end(),
                   [](const EmployerRow& x, const EmployerRow& y) { return x.reports > y.reports; });
  if (!a.byMonth.empty()) a.latestMonth = a.byMonth.rbegin()->first;
  a.setAside = store.counts().setAside;
  findAlerts(a);
  return a;
}

}  // namespace gongyou::analyst
