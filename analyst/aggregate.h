// The analysis a centre runs the system for: which employers violate what, how
// often, where, and where it is getting worse.
//
// Every figure comes from the stored reports. A report's month is when it
// happened (occurred) if the worker said so, else the month it arrived. Employers
// are grouped by normalised name and the centre's aliases (analyst/names.h).
//
// Alerts, each explained in one line:
//   - serious: any report of a forced-labour indicator or of forced labour,
//     child labour, work injury, occupational disease or violence — at any count;
//   - jump: an employer or province with at least 3 reports in the latest month
//     and at least 3 times its own monthly average over the 6 months before;
//   - surge: all the centre's reports in the latest month at least 1.5 times
//     their monthly average over the 6 months before and at least 10 more (a
//     wave across many employers, each too small to jump alone).
#pragma once

#include <cstdint>
#include <map>
#include <string>

#include "protocol/messages.h"
#include <vector>

#include "analyst/names.h"
#include "analyst/store.h"

namespace gongyou::analyst {

// One workplace: a firm's factory or branch in one place (analyst/names.h).
struct EmployerRow {
  std::string key, name;  // country|province|firm|branch; the name shown (alias or most reported spelling)
  std::string firm;       // its firm as shown: the alias, or the most reported spelling without the branch
  std::string firmKey;    // country|firm: the branches of one firm share it
  std::string branch, country;
  std::string identifier;  // its registry number, when reports gave one (then it is the key)
  std::uint64_t reports = 0, workers = 0;
  std::map<std::string, std::uint64_t> owed;  // per currency (ISO 4217), in its minor units
  // The largest single report's part of each sum: the dominance rule of what
  // is published (analyst/disclosure.h).
  std::uint64_t largestWorkers = 0;
  std::map<std::string, std::uint64_t> largestOwed;
  std::map<std::string, std::uint64_t> categories, indicators, months;
  std::string province;  // the most reported one
  bool merged = false;   // the published row of the employers each under the small-cell threshold
};

inline constexpr double kSurgeFactor = 1.5, kSurgeAtLeast = 10;

struct Alert {
  std::string kind;     // "surge", "serious" or "jump"
  std::string subject;  // employer or province
  std::string key;      // the employer's workplace key ("" for a province or the centre)
  std::uint64_t reports = 0;
  std::string text;     // one line for people, in English (alertText for another language)
  // What it is about: for "serious", the indicator or category id; for "jump",
  // the month and the monthly average of the six months before.
  std::string what, month;
  double mean = 0;  // negative: left out (a published alert)
};

// The alert's line in `tr`'s language (the analyst's catalog).
std::string alertText(const Alert& alert, const Messages& tr);

struct Analysis {
  std::uint64_t reports = 0, workers = 0, withReplyKey = 0, setAside = 0;
  std::map<std::string, std::uint64_t> owed, largestOwed;  // per currency, minor units
  std::uint64_t largestWorkers = 0;
  std::map<std::string, std::uint64_t> byMonth, byCategory, byIndicator, byProvince, byCity, byIndustry;
  std::map<std::string, std::map<std::string, std::uint64_t>> provinceByMonth;
  // Evidence: reports carrying any attachment, and reports carrying each kind
  // ("photo", "audio"; protocol/attachments.h). The files never leave the store.
  std::uint64_t withEvidence = 0;
  std::map<std::string, std::uint64_t> evidenceByKind;
  std::vector<EmployerRow> employers;  // most reports first
  // Reports whose employer's name says nothing ("不知道", "(unknown)", empty):
  // counted, never ranked, never merged into an employer.
  EmployerRow notNamed;
  // Workplaces found by name whose reports joined the registry number given
  // with that name elsewhere: name key -> registry key.
  std::map<std::string, std::string> joined;
  std::vector<Alert> alerts;
  std::string latestMonth;
};

// One pass over the store.
Analysis analyse(AnalystStore& store, const Aliases& aliases);

// How analyse() sees one report: its month (when it happened if the worker
// said, else the month it arrived) and its workplace's key ("" when the name
// says nothing). A key found by name may be joined to a registry number's
// (Analysis::joined).
std::string reportMonth(proto::Report::Reader r, std::uint32_t day);
std::string workplaceKey(proto::Report::Reader r, NameMemo& names, bool* identified = nullptr);

// The alert rules on an already aggregated analysis (exposed for tests).
void findAlerts(Analysis& a);

// "2026-10" for a day number.
std::string monthOf(std::uint32_t day);

// The `n` months up to and including `latest` ("2026-10"), oldest first.
std::vector<std::string> lastMonths(const std::string& latest, int n);

// Every month from `first` to `last` ("2026-10"), none skipped: a month with no
// report is a zero on an axis, not a gap that joins its neighbours (at most 200
// years of them).
std::vector<std::string> monthRange(const std::string& first, const std::string& last);

}  // namespace gongyou::analyst
