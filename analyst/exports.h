// What the centre takes away from its analysis: CSV and JSON exports and one
// self-contained HTML dashboard (inline SVG charts, no script, no network fetch of
// any kind — a Content-Security-Policy forbids it — so it opens on the air-gapped
// machine and anywhere it is carried).
//
// Exports meant to leave the centre suppress small cells: a count under 5 is shown
// as "<5", with its sums left blank, and employers with fewer than 5 reports are
// merged into one row, so no published figure points at one reporter. Alerts under
// 5 reports are withheld. `internal` turns all of this off for the centre's own use.
#pragma once

#include <string>

#include "analyst/aggregate.h"

namespace gongyou::analyst {

struct ExportOptions {
  bool internal = false;
  std::uint64_t minCell = 5;
  std::string centreName;
  std::string generated;  // "2026-11-24"
  std::string language = "en";  // of the dashboard (a catalog of the analyst's domain); the CSV and JSON stay English
};

// Writes by-employer.csv, employer-months.csv, by-category.csv, by-province.csv,
// by-city.csv, by-month.csv, by-industry.csv, alerts.csv, summary.json and
// dashboard.html into `dir` (created), each atomically.
void writeExports(const Analysis& a, const std::string& dir, const ExportOptions& opts);

std::string dashboardHtml(const Analysis& a, const ExportOptions& opts);
std::string summaryJson(const Analysis& a, const ExportOptions& opts);

}  // namespace gongyou::analyst
