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
    case proto::ReporterRole::AFFECTED_WORKER: return N_("a worker affected");
    case proto::ReporterRole::COWORKER: return N_("a co-worker");
    case proto::ReporterRole::FAMILY_MEMBER: return N_("a family member");
    case proto::ReporterRole::WORKER_REPRESENTATIVE: return N_("a worker representative");
    case proto::ReporterRole::CENTRE_STAFF: return N_("centre staff (paper intake)");
    default: return N_("not given");
  }
}

}  // namespace

std::string showReport(const std::string& ref, std::uint32_t day, proto::Report::Reader r, proto::Case::Reader c,
                       const Messages& tr) {
  std::string o;
  auto line = [&](const char* label, const std::string& value) {
    if (!value.empty()) o += tr(label) + ": " + value + "\n";
  };
  line(N_("Report"), ref + "  " + tr("(stored %s)", {protocol::isoDate(day)}));
  auto e = r.getEmployer();
  line(N_("Employer"), shown(e.getName()));
  line(N_("Registry number"), shown(e.getIdentifier()));
  line(N_("Address"), shown(e.getAddress()));
  std::string place;
  for (auto t : {e.getCity(), e.getProvince(), e.getCountry()})
    if (t.size()) place += (place.empty() ? "" : ", ") + shown(t);
  line(N_("Place"), place);
  line(N_("Industry"), shown(e.getIndustry()));
  std::string brands;
  for (auto b : e.getBrandCustomers()) brands += (brands.empty() ? "" : ", ") + shown(b);
  line(N_("Brands"), brands);
  auto w = r.getOccurred();
  if (w.getYear()) {
    char d[16];
    std::snprintf(d, sizeof d, w.getDay() ? "%04u-%02u-%02u" : w.getMonth() ? "%04u-%02u" : "%04u", unsigned(w.getYear()),
                  unsigned(w.getMonth()), unsigned(w.getDay()));
    line(N_("When"), d);
  }
  for (auto c : r.getCategories()) {
    const auto* cat = protocol::findCategory(c.cStr());
    line(N_("Category"), shown(c) + (cat ? "  (" + cat->nameEn + " / " + cat->nameZh + ")" : ""));
  }
  for (auto i : r.getForcedLabourIndicators()) {
    const auto* ind = protocol::findIndicator(i.cStr());
    line(N_("ILO indicator"), shown(i) + (ind ? "  (" + protocol::indicatorName(i.cStr(), tr.tag()) + ")" : ""));
  }
  if (r.getWorkersAffected()) line(N_("Workers affected"), std::to_string(r.getWorkersAffected()));
  if (r.hasAmountOwed() && r.getAmountOwed().getMinorUnits()) {
    auto v = r.getAmountOwed().getMinorUnits();
    char a[48];
    std::snprintf(a, sizeof a, "%llu.%02llu", (unsigned long long)(v / 100), (unsigned long long)(v % 100));
    line(N_("Amount owed"), std::string(a) + " " + shown(r.getAmountOwed().getCurrency()));
  }
  line(N_("Reporter"), tr(roleName(r.getReporterRole())));
  line(N_("Language"), shown(r.getLanguage()));
  line(N_("Reply"), r.getReplyKey().size() ? tr("possible (gongyou-analyst reply --report %s)", {ref})
                                          : tr("not possible (the reporter asked for none)"));
  auto atts = r.getAttachments();
  for (unsigned i = 0; i < atts.size(); ++i) {
    auto a = atts[i];
    std::string removed;
    for (auto t : a.getRemovedMetadata()) removed += (removed.empty() ? "" : ", ") + shown(t);
    line(N_("Evidence"), std::to_string(i + 1) + ". " + shown(a.getName()) + "  " + shown(a.getMediaType()) + "  " +
                             tr("%s bytes; removed by the reporter's tool: %s",
                                {std::to_string(a.getSize()), removed.empty() ? tr("nothing (none found)") : removed}));
  }
  const CaseState st = stateOf(c);
  line(N_("Case"), std::string(statusId(st.status)) + (st.reason.empty() ? "" : " (" + protocol::printable(st.reason, false) + ")"));
  line(N_("Assigned to"), protocol::printable(st.assignee, false));
  if (st.hasOutcome) {
    char a[64];
    std::snprintf(a, sizeof a, "%llu.%02llu", (unsigned long long)(st.amountRecovered / 100),
                  (unsigned long long)(st.amountRecovered % 100));
    line(N_("Outcome"), tr("%s recovered, %s worker(s) helped", {std::string(a) + " " + protocol::printable(st.currency, false),
                                                                  std::to_string(st.workersHelped)}));
  }
  const std::string narrative = protocol::printable(std::string_view(r.getNarrative().cStr(), r.getNarrative().size()));
  o += "\n" + tr("In the reporter's words:") + "\n" + (narrative.empty() ? tr("(no narrative)") : narrative) + "\n";
  if (c.getEvents().size()) o += "\n" + tr("Case history:") + "\n";
  for (auto e : c.getEvents()) {
    const std::time_t t = static_cast<std::time_t>(e.getTime());
    std::tm tm{};
    ::gmtime_r(&t, &tm);
    char when[32];
    std::strftime(when, sizeof when, "%Y-%m-%d %H:%M UTC", &tm);
    o += std::string("  ") + when + "  " + protocol::printable(e.getAuthor().cStr(), false) + ": ";
    switch (e.which()) {
      case proto::CaseEvent::STATUS:
        o += tr("status %s", {statusId(e.getStatus().getTo())});
        if (e.getStatus().getReason().size()) o += " (" + protocol::printable(e.getStatus().getReason().cStr(), false) + ")";
        break;
      case proto::CaseEvent::NOTE: o += tr("note: %s", {protocol::printable(e.getNote().cStr())}); break;
      case proto::CaseEvent::ANSWER: o += tr("answered the reporter: %s", {protocol::printable(e.getAnswer().cStr())}); break;
      case proto::CaseEvent::ASSIGNEE:
        o += e.getAssignee().size() ? tr("assigned to %s", {protocol::printable(e.getAssignee().cStr(), false)}) : tr("unassigned");
        break;
      case proto::CaseEvent::OUTCOME: o += tr("outcome recorded"); break;
    }
    o += "\n";
  }
  return o;
}

}  // namespace gongyou::analyst
