#include "analyst/exports.h"

#include "analyst/publication.h"

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

// The main kinds of violation: ids for programs (CSV), names for people (the
// dashboard, in its language).
std::string categories(const std::vector<std::string>& ids, const Messages* names = nullptr) {
  std::string s;
  for (std::size_t i = 0; i < ids.size(); ++i) s += (i ? "; " : "") + (names ? protocol::categoryName(ids[i], names->tag()) : ids[i]);
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

// A label cut to about `px` pixels at the charts' 12 px font (a CJK character
// is about 12, another about 7), with "…" where it was cut: a long name would
// otherwise run off the chart's left edge. The whole label is its <title>.
std::string fitted(const std::string& label, int px) {
  int used = 0;
  for (std::size_t i = 0; i < label.size();) {
    const auto c = static_cast<unsigned char>(label[i]);
    const std::size_t n = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : 4;
    const int w = n >= 3 ? 12 : 7;
    if (used + w > px - 12) return label.substr(0, i) + "…";
    used += w;
    i += n;
  }
  return label;
}

std::string barChart(const std::vector<Row>& rows, std::uint64_t minCell, const std::string& title) {
  std::uint64_t max = 1;
  for (const auto& r : rows)
    if (!r.second.hidden()) max = std::max(max, r.second.value);
  const int rowH = 22, labelW = 400, barW = 320, h = static_cast<int>(rows.size()) * rowH + 10;
  std::ostringstream o;
  // A chart keeps its size and scrolls in its own box on a narrow screen.
  o << "<div class=\"wide\"><svg class=\"chart\" role=\"img\" aria-label=\"" << html(title) << "\" viewBox=\"0 0 " << labelW + barW + 60
    << " " << h << "\" width=\"" << labelW + barW + 60 << "\" height=\"" << h << "\">";
  int y = 5;
  for (const auto& [label, f] : rows) {
    // A hidden count gets a fixed stub, not a bar whose length tells the value.
    const int w = f.hidden() ? 6 : std::max(2, static_cast<int>(barW * f.value / max));
    o << "<text x=\"" << labelW - 8 << "\" y=\"" << y + 15 << "\" text-anchor=\"end\"><title>" << html(label) << "</title>"
      << html(fitted(label, labelW - 12)) << "</text>"
      << "<rect x=\"" << labelW << "\" y=\"" << y + 3 << "\" width=\"" << w << "\" height=\"" << rowH - 6
      << "\" class=\"bar\"/>"
      << "<text x=\"" << labelW + w + 6 << "\" y=\"" << y + 15 << "\">" << num(countText(f, minCell)) << "</text>";
    y += rowH;
  }
  o << "</svg></div>";
  return o.str();
}

std::string lineChart(const std::vector<Row>& byMonth, std::uint64_t minCell, const std::string& title) {
  if (byMonth.empty()) return "<p>No reports yet.</p>";
  std::uint64_t max = 1;
  for (const auto& [m, f] : byMonth)
    if (!f.hidden()) max = std::max(max, f.value);
  const int W = 680, H = 220, padL = 40, padB = 40, padT = 10;
  const std::size_t n = byMonth.size();
  const double step = n > 1 ? double(W - padL - 20) / double(n - 1) : 0;
  std::ostringstream segment, labels, dots;
  std::vector<std::string> lines;
  std::size_t i = 0;
  for (const auto& [month, f] : byMonth) {
    // A hidden month is a hollow mark on the axis and breaks the line: drawn
    // as a zero it would look like a month without reports.
    const double x = padL + step * double(i);
    const double y = padT + (H - padT - padB) * (1.0 - double(f.hidden() ? 0 : f.value) / double(max));
    if (f.hidden()) {
      if (!segment.str().empty()) lines.push_back(segment.str()), segment.str("");
    } else {
      segment << (segment.str().empty() ? "" : " ") << x << "," << y;
    }
    dots << "<circle cx=\"" << x << "\" cy=\"" << y << "\" r=\"3.5\" class=\"" << (f.hidden() ? "dot hollow" : "dot")
         << "\"><title>" << month << ": " << num(countText(f, minCell)) << "</title></circle>";
    if (n <= 12 || i % ((n + 11) / 12) == 0)
      labels << "<text x=\"" << x << "\" y=\"" << H - padB + 18 << "\" text-anchor=\"middle\">" << month << "</text>";
    ++i;
  }
  if (!segment.str().empty()) lines.push_back(segment.str());
  std::ostringstream o;
  o << "<div class=\"wide\"><svg class=\"chart\" role=\"img\" aria-label=\"" << html(title) << "\" viewBox=\"0 0 " << W << " " << H
    << "\" width=\"" << W << "\" height=\"" << H << "\">"
    << "<line x1=\"" << padL << "\" y1=\"" << H - padB << "\" x2=\"" << W - 10 << "\" y2=\"" << H - padB
    << "\" class=\"axis\"/>"
    << "<text x=\"" << padL - 6 << "\" y=\"" << padT + 10 << "\" text-anchor=\"end\">" << max << "</text>";
  for (const auto& l : lines) o << "<polyline points=\"" << l << "\" class=\"line\"/>";
  o << dots.str() << labels.str() << "</svg></div>";
  return o.str();
}

// The amounts of a row, one per currency ("12000 CNY; 300 JPY"); withheld as x.
std::string amounts(const std::map<std::string, SumFigure>& owed, bool forPeople) {
  std::string s;
  for (const auto& [c, f] : owed) {
    const std::string v = f.shown ? amountText(c, f) : "x";
    s += (s.empty() ? "" : "; ") + (forPeople ? grouped(v) : v) + " " + c;
  }
  return s;
}

std::string sumText(const SumFigure& f) { return f.shown ? std::to_string(f.value) : ""; }

// Alerts grouped so the first screen shows every kind of them: the centre-wide
// surge, then each serious kind with its employers (most reports first, the
// first five, the count of the rest), then the jumps, ranked by size. The CSV
// keeps every alert on its own line.
std::string alertList(const std::vector<Alert>& alerts, const Messages& tr) {
  constexpr std::size_t kShown = 5;
  std::ostringstream o;
  o << "<ul id=\"alerts\">";
  std::vector<std::string> order;  // serious kinds, as they first appear (alerts are ranked)
  std::map<std::string, std::vector<const Alert*>> serious;
  for (const auto& al : alerts)
    if (al.kind == "serious" && serious[al.what].empty()) order.push_back(al.what), serious[al.what].push_back(&al);
    else if (al.kind == "serious") serious[al.what].push_back(&al);
  for (const auto& al : alerts)
    if (al.kind == "surge") o << "<li class=\"alert\">" << html(alertText(al, tr)) << "</li>";
  std::stable_sort(order.begin(), order.end(), [&](const std::string& x, const std::string& y) {
    std::uint64_t nx = 0, ny = 0;
    for (const Alert* a : serious[x]) nx += a->reports;
    for (const Alert* a : serious[y]) ny += a->reports;
    return nx > ny;
  });
  for (const auto& what : order) {
    const auto& group = serious[what];
    if (group.size() == 1) {
      o << "<li class=\"alert\">" << html(alertText(*group[0], tr)) << "</li>";
      continue;
    }
    std::uint64_t reports = 0;
    for (const Alert* a : group) reports += a->reports;
    const std::string name = protocol::findIndicator(what) ? protocol::indicatorName(what, tr.tag())
                                                            : protocol::categoryName(what, tr.tag());
    o << "<li class=\"alert\"><b>"
      // TRANSLATORS: %1$s a kind of violation or an ILO indicator, %2$s how many employers, %3$s how many reports.
      << html(tr.plural("%1$s (serious at any count): %2$s employer, %3$s reports",
                        "%1$s (serious at any count): %2$s employers, %3$s reports", group.size(),
                        {name, std::to_string(group.size()), std::to_string(reports)}))
      << "</b><ul>";
    for (std::size_t i = 0; i < group.size() && i < kShown; ++i)
      o << "<li>"
        << html(tr.plural("%1$s: %2$s report", "%1$s: %2$s reports", group[i]->reports,
                          {group[i]->subject, std::to_string(group[i]->reports)}))
        << "</li>";
    if (group.size() > kShown)
      o << "<li>"
        << html(tr.plural("and %s more employer (alerts.csv)", "and %s more employers (alerts.csv)", group.size() - kShown,
                          {std::to_string(group.size() - kShown)}))
        << "</li>";
    o << "</ul></li>";
  }
  for (const auto& al : alerts)
    if (al.kind == "jump") o << "<li class=\"alert\">" << html(alertText(al, tr)) << "</li>";
  o << "</ul>";
  return o.str();
}

std::string employerName(const PublishedEmployer& e, const Messages& tr, std::uint64_t minCell) {
  if (e.notNamed) return tr("Employer not named");
  return e.merged ? tr("Other employers (each fewer than %s reports)", {std::to_string(minCell)}) : e.name;
}

std::string summaryJson(const Publication& p, const ExportOptions& opts) {
  std::ostringstream o;
  auto counts = [&](const std::vector<Row>& rows) {
    std::string s = "{";
    for (std::size_t i = 0; i < rows.size(); ++i)
      s += (i ? ", " : "") + json(rows[i].first) + ": " + json(countText(rows[i].second, p.minCell));
    return s + "}";
  };
  auto owed = [&](const std::map<std::string, SumFigure>& m) {
    std::string s = "{";
    for (const auto& [c, f] : m) s += (s.size() > 1 ? ", " : "") + json(c) + ": " + json(amountText(c, f));
    return s + "}";
  };
  const Messages& en = Messages::forLanguage("en", TextDomain::Analyst);
  o << "{\n  \"centre\": " << json(opts.centreName) << ",\n  \"generated\": " << json(opts.generated)
    << ",\n  \"internal\": " << (opts.internal ? "true" : "false") << ",\n  \"smallCellThreshold\": " << opts.minCell
    << ",\n  \"reports\": " << json(countText(p.reports, p.minCell)) << ",\n  \"workersAffected\": "
    << json(sumText(p.workers)) << ",\n  \"amountOwed\": " << owed(p.owed)
    << ",\n  \"byMonth\": " << counts(p.byMonth) << ",\n  \"byCategory\": " << counts(p.byCategory)
    << ",\n  \"byIndicator\": " << counts(p.byIndicator) << ",\n  \"byProvince\": " << counts(p.byProvince)
    << ",\n  \"byCity\": " << counts(p.byCity) << ",\n  \"byIndustry\": " << counts(p.byIndustry)
    << ",\n  \"provincesWithheld\": " << (p.provincesWithheld ? "true" : "false")
    << ",\n  \"industriesWithheld\": " << (p.industriesWithheld ? "true" : "false")
    << ",\n  \"reportsWithEvidence\": " << json(countText(p.withEvidence, p.minCell))
    << ",\n  \"reportsWithEvidenceByType\": " << counts(p.evidenceByKind) << ",\n  \"employers\": [";
  for (std::size_t i = 0; i < p.employers.size(); ++i) {
    const auto& e = p.employers[i];
    o << (i ? "," : "") << "\n    {\"name\": " << json(employerName(e, en, p.minCell)) << ", \"firm\": " << json(e.firm)
      << ", \"province\": " << json(e.province)
      << ", \"reports\": " << json(countText(e.reports, p.minCell)) << ", \"workersAffected\": " << json(sumText(e.workers))
      << ", \"amountOwed\": " << owed(e.owed) << "}";
  }
  o << "\n  ],\n  \"alerts\": [";
  for (std::size_t i = 0; i < p.alerts.size(); ++i)
    o << (i ? "," : "") << "\n    {\"kind\": " << json(p.alerts[i].kind) << ", \"subject\": " << json(p.alerts[i].subject)
      << ", \"text\": " << json(p.alerts[i].text) << "}";
  o << "\n  ],\n  \"alertsWithheld\": " << p.alertsWithheld << "\n}\n";
  return o.str();
}

std::string dashboardHtml(const Publication& p, const ExportOptions& opts, std::uint64_t setAside) {
  const Messages& tr = Messages::forLanguage(opts.language, TextDomain::Analyst);
  const std::string minCell = std::to_string(opts.minCell);
  auto count = [&](const Figure& f) { return num(countText(f, p.minCell)); };
  auto sum = [&](const SumFigure& f) { return f.shown ? num(std::to_string(f.value)) : std::string("x"); };
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
    << "</p>\n";
  if (!opts.internal)
    o << "<p class=\"note\" id=\"withheld-note\">"
      << html(tr("x: withheld, so that no count under %1$s can be worked out from the others and no sum is mostly one "
                 "report's.",
                 {minCell}))
      << "</p>\n";
  o << "<div class=\"cards\">"
    << "<div class=\"card\" id=\"total-reports\">" << html(tr("Reports")) << "<b>" << count(p.reports) << "</b></div>"
    << "<div class=\"card\" id=\"total-workers\">" << html(tr("Workers affected")) << "<b>" << sum(p.workers) << "</b></div>"
    << "<div class=\"card\" id=\"total-owed\">" << html(tr("Owed"));
  if (p.owed.empty()) o << "<b>0</b>";
  for (const auto& [c, f] : p.owed) o << "<b>" << (f.shown ? num(amountText(c, f)) : std::string("x")) << " " << c << "</b>";
  o << "</div>"
    << "<div class=\"card\" id=\"total-evidence\">" << html(tr("With evidence")) << "<b>" << count(p.withEvidence) << "</b></div>";
  if (p.tooFew) {
    o << "</div>\n<p class=\"note\" id=\"too-few\">"
      << html(tr("Fewer than %s reports in all: nothing more is published until there are more.", {minCell}))
      << "</p>\n</body></html>\n";
    return o.str();
  }
  std::size_t employers = 0;
  for (const auto& e : p.employers) employers += e.merged ? 0 : 1;
  o << "<div class=\"card\">" << html(opts.internal ? tr("Employers") : tr("Employers shown")) << "<b>"
    << num(std::to_string(employers)) << "</b></div>"
    << "<div class=\"card\">" << html(tr("Alerts")) << "<b>" << num(std::to_string(p.alerts.size())) << "</b></div></div>\n";

  o << "<h2>" << html(tr("Alerts")) << "</h2>\n" << alertList(p.alerts, tr);
  if (p.alerts.empty() && p.alertsWithheld == 0) o << "<p class=\"note\" id=\"no-alerts\">" << html(tr("No alerts.")) << "</p>";
  if (p.alertsWithheld)
    o << "<p class=\"note\">"
      << html(tr.plural("%1$s alert withheld: fewer than %2$s reports each, or about a withheld figure.",
                        "%1$s alerts withheld: fewer than %2$s reports each, or about a withheld figure.", p.alertsWithheld,
                        {std::to_string(p.alertsWithheld), minCell}))
      << "</p>";

  o << "\n<h2>" << html(tr("Reports per month")) << "</h2>\n" << lineChart(p.byMonth, p.minCell, tr("Reports per month"));
  // The month the page was made in is not over: its count is so far, not a drop.
  if (!p.months.empty() && opts.generated.size() >= 7 && p.months.back() == opts.generated.substr(0, 7))
    o << "<p class=\"note\" id=\"partial-month\">"
      << html(tr("%s is not over yet: its count is so far.", {p.months.back()})) << "</p>";
  o
    << "\n<h2>" << html(tr("Top employers")) << "</h2>\n";
  std::vector<Row> rows;
  for (const auto& e : p.employers)
    if (rows.size() < 15 && !e.notNamed) rows.push_back({employerName(e, tr, p.minCell), e.reports});
  o << barChart(rows, p.minCell, tr("Top employers")) << "\n";
  // Month over month for the ten employers with most reports: the last three months.
  {
    const std::vector<std::string> months = lastMonths(p.months.empty() ? std::string() : p.months.back(), 3);
    if (!months.empty()) {
      o << "<h2>" << html(tr("Month over month")) << "</h2>\n<table id=\"month-over-month\"><tr><th>"
        << html(tr("Employer")) << "</th>";
      for (const auto& m : months) o << "<th>" << m << "</th>";
      o << "<th>" << html(tr("Change")) << "</th></tr>";
      std::size_t shown = 0;
      for (const auto& e : p.employers) {
        if (e.merged || e.notNamed) continue;
        if (shown++ == 10) break;
        o << "<tr><td>" << html(e.name) << "</td>";
        Figure prev, last;
        for (std::size_t i = 0; i < months.size(); ++i) {
          Figure f;  // internal: a month without reports is not listed
          for (const auto& [m, x] : e.months)
            if (m == months[i]) f = x;
          o << "<td>" << count(f) << "</td>";
          if (i + 2 == months.size()) prev = f;
          if (i + 1 == months.size()) last = f;
        }
        const bool hidden = prev.hidden() || last.hidden();
        o << "<td>"
          << (hidden ? std::string()
                     : (last.value >= prev.value ? "+" : "-") +
                           std::to_string(last.value >= prev.value ? last.value - prev.value : prev.value - last.value))
          << "</td></tr>";
      }
      o << "</table>\n";
    }
  }
  o << "<h2>" << html(tr("Violations by category")) << "</h2>\n";
  rows.clear();
  std::vector<Row> cats = p.byCategory;
  std::stable_sort(cats.begin(), cats.end(), [](const Row& x, const Row& y) { return x.second.value > y.second.value; });
  for (const auto& [c, f] : cats) rows.push_back({protocol::categoryName(c, "en") + " · " + protocol::categoryName(c, "zh-Hans"), f});
  o << barChart(rows, p.minCell, tr("Violations by category")) << "\n<h2>" << html(tr("Provinces"))
    << "</h2>\n<table id=\"provinces\"><tr><th>" << html(tr("Province")) << "</th><th>" << html(tr("Reports")) << "</th></tr>";
  for (const auto& [prov, f] : p.byProvince) o << "<tr><td>" << html(prov) << "</td><td>" << count(f) << "</td></tr>";
  o << "</table>\n";
  if (p.provincesWithheld)
    o << "<p class=\"note\">" << html(tr("By province: withheld, too few reports to show without pointing at a worker."))
      << "</p>\n";
  o << "<h2>" << html(tr("Employers")) << "</h2>\n<table id=\"employers\"><tr>";
  for (const char* head :
       {N_("Employer"), N_("Firm"), N_("Province"), N_("Reports"), N_("Workers"), N_("Owed"), N_("Main violations")})
    o << "<th>" << html(tr(head)) << "</th>";
  o << "</tr>";
  // The employers with most reports, then the merged and not-named rows: the
  // full table is by-employer.csv (every employer twice made a 119-page print).
  constexpr std::size_t kTop = 25;
  std::size_t listed = 0, rest = 0;
  for (const auto& e : p.employers) {
    if (!e.merged && !e.notNamed && listed++ >= kTop) {
      ++rest;
      continue;
    }
    o << "<tr><td>" << html(employerName(e, tr, p.minCell)) << "</td><td>" << html(e.firm) << "</td><td>" << html(e.province) << "</td><td>"
      << count(e.reports) << "</td><td>" << sum(e.workers) << "</td><td>" << html(amounts(e.owed, true)) << "</td><td>"
      << html(categories(e.mainViolations, &tr)) << "</td></tr>";
  }
  o << "</table>\n";
  if (rest)
    o << "<p class=\"note\" id=\"more-employers\">"
      << html(tr.plural("%s more employer in by-employer.csv.", "%s more employers in by-employer.csv.", rest,
                        {std::to_string(rest)}))
      << "</p>\n";
  // Counts only: the files stay sealed in the store (`gongyou-analyst attachments`).
  o << "<h2>" << html(tr("Evidence")) << "</h2>\n<table id=\"evidence\"><tr><th>" << html(tr("Reports with")) << "</th><th>"
    << html(tr("Reports")) << "</th></tr><tr><td>" << html(tr("any file")) << "</td><td>" << count(p.withEvidence)
    << "</td></tr>";
  for (const auto& [kind, f] : p.evidenceByKind)
    o << "<tr><td>"
      << html(kind == "photo" ? tr("photos") : kind == "audio" ? tr("voice notes") : kind == "document" ? tr("documents") : kind)
      << "</td><td>" << count(f) << "</td></tr>";
  o << "</table>\n";
  if (setAside)
    o << "<p class=\"note\">"
      << html(tr.plural("%s envelope could not be read and was set aside.", "%s envelopes could not be read and were set aside.",
                        setAside, {std::to_string(setAside)}))
      << "</p>\n";
  o << "</body></html>\n";
  return o.str();
}

}  // namespace

std::string summaryJson(const Analysis& a, const ExportOptions& opts) {
  return summaryJson(publish(a, opts.internal, opts.minCell), opts);
}

std::string dashboardHtml(const Analysis& a, const ExportOptions& opts) {
  return dashboardHtml(publish(a, opts.internal, opts.minCell), opts, a.setAside);
}

void writeExports(const Analysis& a, const std::string& dir, const ExportOptions& opts) {
  storage::makeDirs(dir);
  const Publication p = publish(a, opts.internal, opts.minCell);
  const Messages& en = Messages::forLanguage("en", TextDomain::Analyst);
  std::ostringstream e;
  e << "employer,firm,province,reports,workers_affected";
  for (const auto& [c, f] : p.owed) {
    std::string lower = c;
    for (auto& ch : lower) ch = static_cast<char>(ch - 'A' + 'a');
    e << ",amount_owed_" << lower;
  }
  e << ",main_violations\n";
  for (const auto& r : p.employers) {
    e << csv(employerName(r, en, p.minCell)) << "," << csv(r.firm) << "," << csv(r.province) << "," << countText(r.reports, p.minCell) << ","
      << sumText(r.workers);
    for (const auto& [c, total] : p.owed) {
      auto it = r.owed.find(c);
      e << "," << (it == r.owed.end() ? std::string("0") : amountText(c, it->second));
    }
    e << "," << csv(categories(r.mainViolations)) << "\n";
  }
  storage::writeFileAtomic(dir + "/by-employer.csv", e.str());
  auto simple = [&](const std::string& file, const std::string& head, const std::vector<Row>& rows, bool named = false) {
    std::ostringstream o;
    o << head << "\n";
    for (const auto& [k, f] : rows)
      o << csv(k) << (named ? "," + csv(protocol::categoryName(k, "en")) + "," + csv(protocol::categoryName(k, "zh-Hans")) : "")
        << "," << countText(f, p.minCell) << "\n";
    storage::writeFileAtomic(dir + "/" + file, o.str());
  };
  simple("by-category.csv", "category_id,name_en,name_zh,reports", p.byCategory, true);
  simple("by-province.csv", "province,reports", p.byProvince);
  simple("by-city.csv", "province / city,reports", p.byCity);
  simple("by-month.csv", "month,reports", p.byMonth);
  simple("by-industry.csv", "industry,reports", p.byIndustry);
  // Month by month per employer shown: published, every month of the range
  // (an empty one reads as small); internal, the months with reports.
  std::ostringstream mm;
  mm << "employer,month,reports\n";
  for (const auto& r : p.employers)
    for (const auto& [month, f] : r.months) mm << csv(r.name) << "," << month << "," << countText(f, p.minCell) << "\n";
  storage::writeFileAtomic(dir + "/employer-months.csv", mm.str());
  std::ostringstream al;
  al << "kind,subject,reports,explanation\n";
  for (const auto& x : p.alerts) al << x.kind << "," << csv(x.subject) << "," << x.reports << "," << csv(x.text) << "\n";
  storage::writeFileAtomic(dir + "/alerts.csv", al.str());
  storage::writeFileAtomic(dir + "/summary.json", summaryJson(p, opts));
  storage::writeFileAtomic(dir + "/dashboard.html", dashboardHtml(p, opts, a.setAside));
}

}  // namespace gongyou::analyst
