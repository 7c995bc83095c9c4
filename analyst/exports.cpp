#include "analyst/exports.h"

#include "protocol/messages.h"

#include <algorithm>
#include <cstdio>
#include <sstream>

#include "protocol/taxonomy.h"
#include "storage/file.h"

namespace gongyou::analyst {
namespace {

std::string html(const std::string& s) {
  std::string o;
  for (char c : s) {
    switch (c) {
      case '&': o += "&amp;"; break;
      case '<': o += "&lt;"; break;
      case '>': o += "&gt;"; break;
      case '"': o += "&quot;"; break;
      case '\'': o += "&#39;"; break;
      default: o += c;
    }
  }
  return o;
}

std::string json(const std::string& s) {
  std::string o = "\"";
  for (unsigned char c : s) {
    if (c == '"' || c == '\\') o += '\\', o += static_cast<char>(c);
    else if (c < 0x20) {
      char b[8];
      std::snprintf(b, sizeof b, "\\u%04x", c);
      o += b;
    } else o += static_cast<char>(c);
  }
  return o + "\"";
}

// RFC 4180; a leading = + - @ is neutralised so a spreadsheet never runs a cell
// from a report as a formula.
std::string csv(std::string s) {
  if (!s.empty() && (s[0] == '=' || s[0] == '+' || s[0] == '-' || s[0] == '@')) s = "'" + s;
  if (s.find_first_of(",\"\n\r") == std::string::npos) return s;
  std::string o = "\"";
  for (char c : s) o += c == '"' ? std::string("\"\"") : std::string(1, c);
  return o + "\"";
}

struct Cells {
  const ExportOptions& o;
  bool small(std::uint64_t n) const { return !o.internal && n < o.minCell; }
  // A zero is published as it is: no report has it, which points at nobody.
  std::string count(std::uint64_t n) const {
    return n != 0 && small(n) ? "<" + std::to_string(o.minCell) : std::to_string(n);
  }
  std::string sum(std::uint64_t reports, std::uint64_t v) const { return small(reports) ? "" : std::to_string(v); }
  std::string yuan(std::uint64_t reports, std::uint64_t fen) const { return small(reports) ? "" : std::to_string(fen / 100); }
};


// Employers as published: small ones merged into one row unless internal.
std::vector<EmployerRow> publishedEmployers(const Analysis& a, const Cells& cells) {
  std::vector<EmployerRow> out;
  EmployerRow other;
  other.name = "Other employers (each fewer than " + std::to_string(cells.o.minCell) + " reports)";
  other.merged = true;
  for (const auto& e : a.employers) {
    if (cells.small(e.reports)) {
      other.reports += e.reports, other.workers += e.workers, other.amountFen += e.amountFen;
    } else {
      out.push_back(e);
    }
  }
  if (other.reports) out.push_back(other);
  return out;
}

std::vector<Alert> publishedAlerts(const Analysis& a, const Cells& cells, std::size_t& withheld) {
  std::vector<Alert> out;
  withheld = 0;
  for (const auto& al : a.alerts) {
    if (cells.small(al.reports)) ++withheld;
    else out.push_back(al);
  }
  return out;
}

// The three most reported kinds of violation: ids for programs (CSV), names
// for people (the dashboard, in its language).
std::string topCategories(const EmployerRow& e, const Messages* names = nullptr) {
  std::vector<std::pair<std::uint64_t, std::string>> v;
  for (const auto& [c, n] : e.categories) v.emplace_back(n, c);
  std::sort(v.rbegin(), v.rend());
  std::string s;
  for (std::size_t i = 0; i < v.size() && i < 3; ++i)
    s += (i ? "; " : "") + (names ? protocol::categoryName(v[i].second, names->tag()) : v[i].second);
  return s;
}

// Digits grouped by thousands for people to read (2,436,000); "<5" and text
// pass as they are. The CSV and JSON keep plain numbers, for programs.
std::string grouped(const std::string& s) {
  std::string out;
  std::size_t i = 0;
  while (i < s.size()) {
    if (s[i] < '0' || s[i] > '9') {
      out += s[i++];
      continue;
    }
    std::size_t j = i;
    while (j < s.size() && s[j] >= '0' && s[j] <= '9') ++j;
    for (std::size_t k = i; k < j; ++k) {
      out += s[k];
      if (k + 1 < j && (j - k - 1) % 3 == 0) out += ',';
    }
    i = j;
  }
  return out;
}
std::string num(const std::string& s) { return html(grouped(s)); }

// --- charts (inline SVG) ----------------------------------------------------

std::string barChart(const std::vector<std::pair<std::string, std::uint64_t>>& rows, const Cells& cells,
                     const std::string& title) {
  std::uint64_t max = 1;
  for (const auto& r : rows) max = std::max(max, r.second);
  const int rowH = 22, labelW = 400, barW = 320, h = static_cast<int>(rows.size()) * rowH + 10;
  std::ostringstream o;
  // A chart keeps its size and scrolls in its own box on a narrow screen.
  o << "<div class=\"wide\"><svg class=\"chart\" role=\"img\" aria-label=\"" << html(title) << "\" viewBox=\"0 0 " << labelW + barW + 60
    << " " << h << "\" width=\"" << labelW + barW + 60 << "\" height=\"" << h << "\">";
  int y = 5;
  for (const auto& [label, n] : rows) {
    // A suppressed count gets a fixed stub, not a bar whose length tells the value.
    const int w = cells.small(n) ? 6 : std::max(2, static_cast<int>(barW * n / max));
    o << "<text x=\"" << labelW - 8 << "\" y=\"" << y + 15 << "\" text-anchor=\"end\">" << html(label) << "</text>"
      << "<rect x=\"" << labelW << "\" y=\"" << y + 3 << "\" width=\"" << w << "\" height=\"" << rowH - 6
      << "\" class=\"bar\"/>"
      << "<text x=\"" << labelW + w + 6 << "\" y=\"" << y + 15 << "\">" << num(cells.count(n)) << "</text>";
    y += rowH;
  }
  o << "</svg></div>";
  return o.str();
}

std::string lineChart(const std::map<std::string, std::uint64_t>& byMonth, const Cells& cells, const std::string& title) {
  if (byMonth.empty()) return "<p>No reports yet.</p>";
  std::uint64_t max = 1;
  for (const auto& [m, n] : byMonth) max = std::max(max, n);
  const int W = 680, H = 220, padL = 40, padB = 40, padT = 10;
  const std::size_t n = byMonth.size();
  const double step = n > 1 ? double(W - padL - 20) / double(n - 1) : 0;
  std::ostringstream pts, labels, dots;
  std::size_t i = 0;
  for (const auto& [month, count] : byMonth) {
    // Suppressed months are drawn at the threshold line, marked hollow.
    const std::uint64_t v = cells.small(count) ? 0 : count;
    const double x = padL + step * double(i), y = padT + (H - padT - padB) * (1.0 - double(v) / double(max));
    pts << (i ? " " : "") << x << "," << y;
    dots << "<circle cx=\"" << x << "\" cy=\"" << y << "\" r=\"3.5\" class=\""
         << (cells.small(count) ? "dot hollow" : "dot") << "\"><title>" << month << ": " << num(cells.count(count))
         << "</title></circle>";
    if (n <= 12 || i % ((n + 11) / 12) == 0)
      labels << "<text x=\"" << x << "\" y=\"" << H - padB + 18 << "\" text-anchor=\"middle\">" << month << "</text>";
    ++i;
  }
  std::ostringstream o;
  o << "<div class=\"wide\"><svg class=\"chart\" role=\"img\" aria-label=\"" << html(title) << "\" viewBox=\"0 0 " << W << " " << H
    << "\" width=\"" << W << "\" height=\"" << H << "\">"
    << "<line x1=\"" << padL << "\" y1=\"" << H - padB << "\" x2=\"" << W - 10 << "\" y2=\"" << H - padB
    << "\" class=\"axis\"/>"
    << "<text x=\"" << padL - 6 << "\" y=\"" << padT + 10 << "\" text-anchor=\"end\">" << max << "</text>"
    << "<polyline points=\"" << pts.str() << "\" class=\"line\"/>" << dots.str() << labels.str() << "</svg></div>";
  return o.str();
}

}  // namespace

std::string summaryJson(const Analysis& a, const ExportOptions& opts) {
  Cells cells{opts};
  std::size_t withheld = 0;
  std::ostringstream o;
  auto counts = [&](const std::map<std::string, std::uint64_t>& m) {
    std::string s = "{";
    bool first = true;
    for (const auto& [k, n] : m) {
      s += (first ? "" : ", ") + json(k) + ": " + json(cells.count(n));
      first = false;
    }
    return s + "}";
  };
  o << "{\n  \"centre\": " << json(opts.centreName) << ",\n  \"generated\": " << json(opts.generated)
    << ",\n  \"internal\": " << (opts.internal ? "true" : "false") << ",\n  \"smallCellThreshold\": " << opts.minCell
    << ",\n  \"reports\": " << json(cells.count(a.reports)) << ",\n  \"workersAffected\": "
    << json(cells.sum(a.reports, a.workers)) << ",\n  \"amountOwedCny\": " << json(cells.yuan(a.reports, a.amountFen))
    << ",\n  \"byMonth\": " << counts(a.byMonth) << ",\n  \"byCategory\": " << counts(a.byCategory)
    << ",\n  \"byIndicator\": " << counts(a.byIndicator) << ",\n  \"byProvince\": " << counts(a.byProvince)
    << ",\n  \"byCity\": " << counts(a.byCity) << ",\n  \"byIndustry\": " << counts(a.byIndustry)
    << ",\n  \"reportsWithEvidence\": " << json(cells.count(a.withEvidence))
    << ",\n  \"reportsWithEvidenceByType\": " << counts(a.evidenceByKind)
    << ",\n  \"employers\": [";
  auto emps = publishedEmployers(a, cells);
  for (std::size_t i = 0; i < emps.size(); ++i)
    o << (i ? "," : "") << "\n    {\"name\": " << json(emps[i].name) << ", \"province\": " << json(emps[i].province)
      << ", \"reports\": " << json(cells.count(emps[i].reports)) << ", \"workersAffected\": "
      << json(cells.sum(emps[i].reports, emps[i].workers)) << ", \"amountOwedCny\": "
      << json(cells.yuan(emps[i].reports, emps[i].amountFen)) << "}";
  o << "\n  ],\n  \"alerts\": [";
  auto alerts = publishedAlerts(a, cells, withheld);
  for (std::size_t i = 0; i < alerts.size(); ++i)
    o << (i ? "," : "") << "\n    {\"kind\": " << json(alerts[i].kind) << ", \"subject\": " << json(alerts[i].subject)
      << ", \"text\": " << json(alerts[i].text) << "}";
  o << "\n  ],\n  \"alertsWithheld\": " << withheld << "\n}\n";
  return o.str();
}

std::string dashboardHtml(const Analysis& a, const ExportOptions& opts) {
  Cells cells{opts};
  const Messages& tr = Messages::forLanguage(opts.language, TextDomain::Analyst);
  const std::string minCell = std::to_string(opts.minCell);
  std::ostringstream o;
  o << "<!DOCTYPE html>\n<html lang=\"" << tr.tag() << "\"><head><meta charset=\"utf-8\">\n"
    // Nothing may be fetched: no script, no image, no font, no connection.
    << "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">\n"
    << "<meta name=\"referrer\" content=\"no-referrer\">\n"
    << "<title>" << html(tr("%s — reports dashboard", {opts.centreName})) << "</title>\n<style>\n"
    << "body{font-family:'Noto Sans CJK SC','Noto Sans',sans-serif;margin:24px;color:#222;max-width:1100px}\n"
    << "h1{font-size:22px}h2{font-size:17px;margin-top:28px;border-bottom:1px solid #ddd}\n"
    << ".cards{display:flex;gap:16px;flex-wrap:wrap}.card{border:1px solid #ccc;border-radius:6px;padding:10px 16px}\n"
    << ".card b{display:block;font-size:26px}.chart text{font-size:12px;fill:#333}.bar{fill:#b33a3a}\n"
    << ".line{fill:none;stroke:#b33a3a;stroke-width:2}.dot{fill:#b33a3a}.hollow{fill:#fff;stroke:#b33a3a}\n"
    << ".axis{stroke:#999}table{border-collapse:collapse}td,th{border:1px solid #ddd;padding:4px 10px;text-align:left}\n"
    << ".alert{color:#8a1c1c}.note{color:#666;font-size:13px}\n"
    // On a phone the page fits the screen: wide charts and tables scroll in
    // their own boxes, and a cell is never squeezed to a character a line.
    << ".wide,table{display:block;overflow-x:auto;max-width:100%}td,th{white-space:nowrap}\n"
    << "@media (max-width:600px){body{margin:12px}.card b{font-size:20px}}\n</style></head><body>\n"
    << "<h1>" << html(tr("%s: labour violation reports", {opts.centreName})) << "</h1>\n<p class=\"note\">"
    << html(opts.internal ? tr("Generated %s. INTERNAL: small counts are shown; do not publish.", {opts.generated})
                          : tr("Generated %1$s. Counts under %2$s are shown as <%2$s.", {opts.generated, minCell}))
    << "</p>\n<div class=\"cards\">"
    << "<div class=\"card\" id=\"total-reports\">" << html(tr("Reports")) << "<b>" << num(cells.count(a.reports)) << "</b></div>"
    << "<div class=\"card\" id=\"total-workers\">" << html(tr("Workers affected")) << "<b>"
    << num(cells.sum(a.reports, a.workers)) << "</b></div>"
    << "<div class=\"card\" id=\"total-owed\">" << html(tr("Owed (CNY)")) << "<b>" << num(cells.yuan(a.reports, a.amountFen))
    << "</b></div>"
    << "<div class=\"card\" id=\"total-evidence\">" << html(tr("With evidence")) << "<b>" << num(cells.count(a.withEvidence))
    << "</b></div>"
    << "<div class=\"card\">" << html(tr("Employers")) << "<b>" << num(std::to_string(a.employers.size())) << "</b></div>"
    << "<div class=\"card\">" << html(tr("Alerts")) << "<b>" << num(std::to_string(a.alerts.size())) << "</b></div></div>\n";

  std::size_t withheld = 0;
  auto alerts = publishedAlerts(a, cells, withheld);
  o << "<h2>" << html(tr("Alerts")) << "</h2>\n<ul id=\"alerts\">";
  for (const auto& al : alerts) o << "<li class=\"alert\">" << html(alertText(al, tr)) << "</li>";
  o << "</ul>";
  if (a.alerts.empty()) o << "<p class=\"note\" id=\"no-alerts\">" << html(tr("No alerts.")) << "</p>";
  if (withheld)
    o << "<p class=\"note\">"
      << html(tr.plural("%1$s alert withheld: fewer than %2$s reports each.", "%1$s alerts withheld: fewer than %2$s reports each.",
                        withheld, {std::to_string(withheld), minCell}))
      << "</p>";

  o << "\n<h2>" << html(tr("Reports per month")) << "</h2>\n" << lineChart(a.byMonth, cells, tr("Reports per month")) << "\n<h2>"
    << html(tr("Top employers")) << "</h2>\n";
  std::vector<std::pair<std::string, std::uint64_t>> rows;
  for (const auto& e : publishedEmployers(a, cells))
    if (rows.size() < 15)
      rows.emplace_back(e.merged ? tr("Other employers (each fewer than %s reports)", {std::to_string(opts.minCell)}) : e.name,
                        e.reports);
  o << barChart(rows, cells, tr("Top employers")) << "\n";
  // Month over month for the employers with most reports: the last three months.
  const auto months = lastMonths(a.latestMonth, 3);
  if (!months.empty()) {
    o << "<h2>" << html(tr("Month over month")) << "</h2>\n<table id=\"month-over-month\"><tr><th>" << html(tr("Employer"))
      << "</th>";
    for (const auto& m : months) o << "<th>" << m << "</th>";
    o << "<th>" << html(tr("Change")) << "</th></tr>";
    std::size_t shown = 0;
    for (const auto& e : a.employers) {
      // The ten with most reports (employers are sorted by reports).
      if (cells.small(e.reports)) continue;
      if (shown++ == 10) break;
      std::uint64_t prev = 0, last = 0;
      o << "<tr><td>" << html(e.name) << "</td>";
      for (std::size_t i = 0; i < months.size(); ++i) {
        auto it = e.months.find(months[i]);
        const std::uint64_t n = it == e.months.end() ? 0 : it->second;
        o << "<td>" << num(cells.count(n)) << "</td>";
        if (i + 2 == months.size()) prev = n;
        if (i + 1 == months.size()) last = n;
      }
      const bool hidden = (prev && cells.small(prev)) || (last && cells.small(last));
      o << "<td>" << (hidden ? std::string() : (last >= prev ? "+" : "-") + std::to_string(last >= prev ? last - prev : prev - last))
        << "</td></tr>";
    }
    o << "</table>\n";
  }
  o << "<h2>" << html(tr("Violations by category")) << "</h2>\n";
  std::vector<std::pair<std::uint64_t, std::string>> cats;
  for (const auto& [c, n] : a.byCategory) cats.emplace_back(n, c);
  std::sort(cats.rbegin(), cats.rend());
  rows.clear();
  for (const auto& [n, c] : cats) rows.emplace_back(protocol::categoryName(c, "en") + " · " + protocol::categoryName(c, "zh-Hans"), n);
  o << barChart(rows, cells, tr("Violations by category")) << "\n<h2>" << html(tr("Provinces"))
    << "</h2>\n<table id=\"provinces\"><tr><th>" << html(tr("Province")) << "</th><th>" << html(tr("Reports")) << "</th></tr>";
  for (const auto& [p, n] : a.byProvince) o << "<tr><td>" << html(p) << "</td><td>" << num(cells.count(n)) << "</td></tr>";
  o << "</table>\n<h2>" << html(tr("Employers")) << "</h2>\n<table id=\"employers\"><tr>";
  for (const char* head : {N_("Employer"), N_("Province"), N_("Reports"), N_("Workers"), N_("Owed (CNY)"), N_("Main violations")})
    o << "<th>" << html(tr(head)) << "</th>";
  o << "</tr>";
  for (const auto& e : publishedEmployers(a, cells))
    o << "<tr><td>"
      << html(e.merged ? tr("Other employers (each fewer than %s reports)", {std::to_string(opts.minCell)}) : e.name)
      << "</td><td>" << html(e.province) << "</td><td>" << num(cells.count(e.reports)) << "</td><td>"
      << num(cells.sum(e.reports, e.workers)) << "</td><td>" << num(cells.yuan(e.reports, e.amountFen)) << "</td><td>"
      << html(topCategories(e, &tr)) << "</td></tr>";
  o << "</table>\n";
  // Counts only: the files stay sealed in the store (`gongyou-analyst attachments`).
  o << "<h2>" << html(tr("Evidence")) << "</h2>\n<table id=\"evidence\"><tr><th>" << html(tr("Reports with")) << "</th><th>"
    << html(tr("Reports")) << "</th></tr><tr><td>" << html(tr("any file")) << "</td><td>" << num(cells.count(a.withEvidence))
    << "</td></tr>";
  for (const auto& [kind, n] : a.evidenceByKind)
    o << "<tr><td>"
      << html(kind == "photo" ? tr("photos") : kind == "audio" ? tr("voice notes") : kind == "document" ? tr("documents") : kind)
      << "</td><td>" << num(cells.count(n)) << "</td></tr>";
  o << "</table>\n";
  if (a.setAside)
    o << "<p class=\"note\">"
      << html(tr.plural("%s envelope could not be read and was set aside.", "%s envelopes could not be read and were set aside.",
                        a.setAside, {std::to_string(a.setAside)}))
      << "</p>\n";
  o << "</body></html>\n";
  return o.str();
}

void writeExports(const Analysis& a, const std::string& dir, const ExportOptions& opts) {
  storage::makeDirs(dir);
  Cells cells{opts};
  std::ostringstream e;
  e << "employer,province,reports,workers_affected,amount_owed_cny,main_violations\n";
  for (const auto& r : publishedEmployers(a, cells))
    e << csv(r.name) << "," << csv(r.province) << "," << cells.count(r.reports) << ","
      << cells.sum(r.reports, r.workers) << "," << cells.yuan(r.reports, r.amountFen) << "," << csv(topCategories(r))
      << "\n";
  storage::writeFileAtomic(dir + "/by-employer.csv", e.str());
  auto simple = [&](const std::string& file, const std::string& head, const std::map<std::string, std::uint64_t>& m,
                    bool categories = false) {
    std::ostringstream o;
    o << head << "\n";
    for (const auto& [k, n] : m)
      o << csv(k) << (categories ? "," + csv(protocol::categoryName(k, "en")) + "," + csv(protocol::categoryName(k, "zh-Hans")) : "") << ","
        << cells.count(n) << "\n";
    storage::writeFileAtomic(dir + "/" + file, o.str());
  };
  simple("by-category.csv", "category_id,name_en,name_zh,reports", a.byCategory, true);
  simple("by-province.csv", "province,reports", a.byProvince);
  simple("by-city.csv", "province / city,reports", a.byCity);
  simple("by-month.csv", "month,reports", a.byMonth);
  simple("by-industry.csv", "industry,reports", a.byIndustry);
  // Month over month per published employer: every month with reports.
  std::ostringstream mm;
  mm << "employer,month,reports\n";
  for (const auto& r : publishedEmployers(a, cells))
    for (const auto& [month, n] : r.months) mm << csv(r.name) << "," << month << "," << cells.count(n) << "\n";
  storage::writeFileAtomic(dir + "/employer-months.csv", mm.str());
  std::size_t withheld = 0;
  std::ostringstream al;
  al << "kind,subject,reports,explanation\n";
  for (const auto& x : publishedAlerts(a, cells, withheld))
    al << x.kind << "," << csv(x.subject) << "," << cells.count(x.reports) << "," << csv(x.text) << "\n";
  storage::writeFileAtomic(dir + "/alerts.csv", al.str());
  storage::writeFileAtomic(dir + "/summary.json", summaryJson(a, opts));
  storage::writeFileAtomic(dir + "/dashboard.html", dashboardHtml(a, opts));
}

}  // namespace gongyou::analyst
