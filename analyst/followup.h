// Follow-up figures, as an ILO resource centre reports them to its funders:
// reports and cases per month, how soon reporters got a first answer, cases by
// status and by age, and what the cases won (amounts recovered, workers
// helped). Computed from the store's reports and their cases (analyst/cases.h);
// for the centre's own use (the desk), so small counts are shown.
#pragma once

#include <cstdint>
#include <map>
#include <string>

#include "analyst/store.h"

namespace gongyou::analyst {

struct FollowUp {
  struct Month {
    std::uint64_t reports = 0, casesOpened = 0, resolved = 0, closed = 0;
  };
  std::map<std::string, Month> months;          // "2026-11" → …
  std::map<std::string, std::uint64_t> status;  // "new" → count of reports in that state
  // Open cases (not resolved or closed) by days since the report was stored.
  std::map<std::string, std::uint64_t> openByAge;  // "0-6", "7-29", "30-89", "90+"
  std::uint64_t reports = 0, answerable = 0, answered = 0;
  double medianDaysToFirstAnswer = -1, meanDaysToFirstAnswer = -1;  // -1: none answered
  std::map<std::string, std::uint64_t> recovered;  // currency → minor units
  std::uint64_t workersHelped = 0, casesWithOutcome = 0;
};

// `today`: days since 1970, for the ages.
FollowUp followUp(AnalystStore& store, std::uint32_t today);

}  // namespace gongyou::analyst
