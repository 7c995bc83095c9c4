#include "analyst/followup.h"

#include <algorithm>
#include <vector>

#include "analyst/cases.h"
#include "protocol/day.h"

namespace gongyou::analyst {

namespace {
std::string monthOf(std::uint32_t day) { return protocol::isoDate(day).substr(0, 7); }
std::uint32_t dayOf(std::int64_t time) { return static_cast<std::uint32_t>(std::max<std::int64_t>(0, time) / 86400); }
}  // namespace

FollowUp followUp(AnalystStore& store, std::uint32_t today) {
  FollowUp f;
  std::map<std::string, CaseState> cases;
  forEachCase(store, [&](const std::string& ref, proto::Case::Reader c) { cases[ref] = stateOf(c); });
  std::vector<double> toAnswer;
  store.forEachReport([&](const std::string& ref, std::uint32_t day, proto::Report::Reader r) {
    ++f.reports;
    ++f.months[monthOf(day)].reports;
    const bool answerable = r.getReplyKey().size() > 0;
    f.answerable += answerable;
    auto it = cases.find(ref);
    const CaseState st = it == cases.end() ? CaseState{} : it->second;
    ++f.status[statusId(st.status)];
    if (st.firstEvent) ++f.months[monthOf(dayOf(st.firstEvent))].casesOpened;
    if (st.status == proto::CaseStatus::RESOLVED || st.status == proto::CaseStatus::CLOSED) {
      auto& m = f.months[monthOf(dayOf(st.lastEvent))];
      ++(st.status == proto::CaseStatus::RESOLVED ? m.resolved : m.closed);
    } else {
      const std::uint32_t age = today > day ? today - day : 0;
      ++f.openByAge[age < 7 ? "0-6" : age < 30 ? "7-29" : age < 90 ? "30-89" : "90+"];
    }
    if (st.firstAnswer) {
      ++f.answered;
      // From the day the relay stored it (the finest time there is) to the answer.
      toAnswer.push_back(std::max(0.0, static_cast<double>(st.firstAnswer) / 86400.0 - day));
    }
    if (st.hasOutcome) {
      ++f.casesWithOutcome;
      f.recovered[st.currency] += st.amountRecovered;
      f.workersHelped += st.workersHelped;
    }
  });
  if (!toAnswer.empty()) {
    std::sort(toAnswer.begin(), toAnswer.end());
    const std::size_t n = toAnswer.size();
    f.medianDaysToFirstAnswer = n % 2 ? toAnswer[n / 2] : (toAnswer[n / 2 - 1] + toAnswer[n / 2]) / 2;
    double sum = 0;
    for (double d : toAnswer) sum += d;
    f.meanDaysToFirstAnswer = sum / n;
  }
  return f;
}

}  // namespace gongyou::analyst
