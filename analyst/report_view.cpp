#include "analyst/report_view.h"

#include <cstdio>
#include <ctime>

#include "analyst/cases.h"

#include "protocol/day.h"
#include "protocol/taxonomy.h"
#include "protocol/terminal_text.h"

namespace gongyou::analyst {
namespace {

std::string shown(capnp::Text::Reader t) { return protocol::printable(std::string_view(t.cStr(), t.size()), false); }

const char* roleName(proto::ReporterRole role) {
  switch (role) {
    case proto::ReporterRole::AFFECTED_WORKER: return "a worker affected";
    case proto::ReporterRole::COWORKER: return "a co-worker";
    case proto::ReporterRole::FAMILY_MEMBER: return "a family member";
    case proto::ReporterRole::WORKER_REPRESENTATIVE: return "a worker representative";
    case proto::ReporterRole::CENTRE_STAFF: return "centre staff (paper intake)";
    default: return "not given";
  }
}

}  // namespace

std::string showReport(const std::string& ref, std::uint32_t day, proto::Report::Reader r, proto::Case::Reader c) {
  std::string o;
  auto line = [&](const char* label, const std::string& value) {
    if (!value.empty()) o += std::string(label) + ": " + value + "\n";
  };
  line("Report", ref + "  (stored " + protocol::isoDate(day) + ")");
  auto e = r.getEmployer();
  line("Employer", shown(e.getName()));
  line("Address", shown(e.getAddress()));
  std::string place;
  for (auto t : {e.getCity(), e.getProvince(), e.getCountry()})
    if (t.size()) place += (place.empty() ? "" : ", ") + shown(t);
  line("Place", place);
  line("Industry", shown(e.getIndustry()));
  std::string brands;
  for (auto b : e.getBrandCustomers()) brands += (brands.empty() ? "" : ", ") + shown(b);
  line("Brands", brands);
  auto w = r.getOccurred();
  if (w.getYear()) {
    char d[16];
    std::snprintf(d, sizeof d, w.getDay() ? "%04u-%02u-%02u" : w.getMonth() ? "%04u-%02u" : "%04u", unsigned(w.getYear()),
                  unsigned(w.getMonth()), unsigned(w.getDay()));
    line("When", d);
  }
  for (auto c : r.getCategories()) {
    const auto* cat = protocol::findCategory(c.cStr());
    line("Category", shown(c) + (cat ? "  (" + cat->nameEn + " / " + cat->nameZh + ")" : ""));
  }
  for (auto i : r.getForcedLabourIndicators()) {
    const auto* ind = protocol::findIndicator(i.cStr());
    line("ILO indicator", shown(i) + (ind ? "  (" + ind->nameEn + ")" : ""));
  }
  if (r.getWorkersAffected()) line("Workers affected", std::to_string(r.getWorkersAffected()));
  if (r.hasAmountOwed() && r.getAmountOwed().getMinorUnits()) {
    auto v = r.getAmountOwed().getMinorUnits();
    char a[48];
    std::snprintf(a, sizeof a, "%llu.%02llu", (unsigned long long)(v / 100), (unsigned long long)(v % 100));
    line("Amount owed", std::string(a) + " " + shown(r.getAmountOwed().getCurrency()));
  }
  line("Reporter", roleName(r.getReporterRole()));
  line("Language", shown(r.getLanguage()));
  line("Reply", r.getReplyKey().size() ? "possible (gongyou-analyst reply --report " + ref + ")"
                                      : "not possible (the reporter asked for none)");
  auto atts = r.getAttachments();
  for (unsigned i = 0; i < atts.size(); ++i) {
    auto a = atts[i];
    std::string removed;
    for (auto t : a.getRemovedMetadata()) removed += (removed.empty() ? "" : ", ") + shown(t);
    line("Evidence", std::to_string(i + 1) + ". " + shown(a.getName()) + "  " + shown(a.getMediaType()) + "  " +
                         std::to_string(a.getSize()) + " bytes; removed by the reporter's tool: " +
                         (removed.empty() ? "nothing (none found)" : removed));
  }
  const CaseState st = stateOf(c);
  line("Case", std::string(statusId(st.status)) + (st.reason.empty() ? "" : " (" + protocol::printable(st.reason, false) + ")"));
  line("Assigned to", protocol::printable(st.assignee, false));
  if (st.hasOutcome) {
    char a[64];
    std::snprintf(a, sizeof a, "%llu.%02llu", (unsigned long long)(st.amountRecovered / 100),
                  (unsigned long long)(st.amountRecovered % 100));
    line("Outcome", std::string(a) + " " + protocol::printable(st.currency, false) + " recovered, " +
                        std::to_string(st.workersHelped) + " worker(s) helped");
  }
  const std::string narrative = protocol::printable(std::string_view(r.getNarrative().cStr(), r.getNarrative().size()));
  o += "\nIn the reporter's words:\n" + (narrative.empty() ? std::string("(no narrative)") : narrative) + "\n";
  if (c.getEvents().size()) o += "\nCase history:\n";
  for (auto e : c.getEvents()) {
    const std::time_t t = static_cast<std::time_t>(e.getTime());
    std::tm tm{};
    ::gmtime_r(&t, &tm);
    char when[32];
    std::strftime(when, sizeof when, "%Y-%m-%d %H:%M UTC", &tm);
    o += std::string("  ") + when + "  " + protocol::printable(e.getAuthor().cStr(), false) + ": ";
    switch (e.which()) {
      case proto::CaseEvent::STATUS:
        o += std::string("status ") + statusId(e.getStatus().getTo());
        if (e.getStatus().getReason().size()) o += " (" + protocol::printable(e.getStatus().getReason().cStr(), false) + ")";
        break;
      case proto::CaseEvent::NOTE: o += "note: " + protocol::printable(e.getNote().cStr()); break;
      case proto::CaseEvent::ANSWER: o += "answered the reporter: " + protocol::printable(e.getAnswer().cStr()); break;
      case proto::CaseEvent::ASSIGNEE:
        o += e.getAssignee().size() ? "assigned to " + protocol::printable(e.getAssignee().cStr(), false) : "unassigned";
        break;
      case proto::CaseEvent::OUTCOME: o += "outcome recorded"; break;
    }
    o += "\n";
  }
  return o;
}

}  // namespace gongyou::analyst
