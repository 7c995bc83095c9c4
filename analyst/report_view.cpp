#include "analyst/report_view.h"

#include <cstdio>

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

std::string showReport(const std::string& ref, std::uint32_t day, proto::Report::Reader r) {
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
  line("Case", "new (case tracking, notes and outcomes come with the desk)");
  const std::string narrative = protocol::printable(std::string_view(r.getNarrative().cStr(), r.getNarrative().size()));
  o += "\nIn the reporter's words:\n" + (narrative.empty() ? std::string("(no narrative)") : narrative) + "\n";
  return o;
}

}  // namespace gongyou::analyst
