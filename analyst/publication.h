// What a set of exports shows of an analysis, figure by figure: decided once, so
// the dashboard, the CSV files and summary.json show every figure the same way
// (a figure withheld in one and shown in another would undo the protection).
//
// Published (internal = false): the tables are protected as analyst/disclosure.h
// says — small counts "<5", cells withheld ("x") so that none can be worked out
// by subtraction, sums under the dominance rule, employers under the threshold
// merged into one row whose months are never shown, an employer's months shown
// on a fixed grid where an empty month looks like a small one, only the kinds of
// violation an employer has at least the threshold of reports for, alerts under
// the threshold withheld and a jump's baseline left out. Under the threshold in
// all, nothing but the total is shown. Internal: every figure exactly.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "analyst/aggregate.h"
#include "analyst/disclosure.h"

namespace gongyou::analyst {

struct Figure {
  std::uint64_t value = 0;
  Shown shown = Shown::Exact;
  bool hidden() const { return shown != Shown::Exact; }
};

// A sum (workers, an amount in a currency's minor units): shown or left blank.
struct SumFigure {
  std::uint64_t value = 0;
  bool shown = true;
};

using Row = std::pair<std::string, Figure>;

struct PublishedEmployer {
  std::string name, province;
  bool merged = false;  // the row of the employers each under the threshold
  bool notNamed = false;  // the row of reports whose employer's name says nothing
  std::string firm;       // the firm the workplace belongs to (its own name when it has no branch)
  Figure reports;
  SumFigure workers;
  std::map<std::string, SumFigure> owed;  // per currency
  // Published: every month of the publication's range (an empty one as small);
  // internal: the months with reports. The merged row has none.
  std::vector<Row> months;
  std::vector<std::string> mainViolations;  // category ids, most reported first, at most three
};

struct Publication {
  bool internal = false;
  std::uint64_t minCell = 5;
  bool tooFew = false;  // published, under the threshold in all: only the total is shown
  Figure reports, withEvidence;
  SumFigure workers;
  std::map<std::string, SumFigure> owed;  // per currency
  std::vector<std::string> months;        // every month from the first to the latest, none skipped
  std::vector<Row> byMonth, byCategory, byIndicator, byProvince, byCity, byIndustry, evidenceByKind;
  // A table that could not be protected at all is not published (its rows empty).
  bool provincesWithheld = false, industriesWithheld = false;
  std::vector<PublishedEmployer> employers;  // most reports first; then the merged row, then "not named"
  std::vector<Alert> alerts;                 // those shown
  std::size_t alertsWithheld = 0;
};

Publication publish(const Analysis& a, bool internal, std::uint64_t minCell);

// How a count reads in a publication: the number, "<5" or "x".
std::string countText(const Figure& f, std::uint64_t minCell);

// An amount in major units, as people write it (JPY 1200, CNY 3640.50); blank when withheld.
std::string amountText(const std::string& currency, const SumFigure& f);

}  // namespace gongyou::analyst
