#include "analyst/desk_json.h"

#include "protocol/day.h"
#include "protocol/taxonomy.h"

namespace gongyou::analyst {

namespace {

std::string text(capnp::Text::Reader t) { return std::string(t.cStr(), t.size()); }

const char* roleId(proto::ReporterRole role) {
  switch (role) {
    case proto::ReporterRole::AFFECTED_WORKER: return "affected_worker";
    case proto::ReporterRole::COWORKER: return "coworker";
    case proto::ReporterRole::FAMILY_MEMBER: return "family_member";
    case proto::ReporterRole::WORKER_REPRESENTATIVE: return "worker_representative";
    case proto::ReporterRole::CENTRE_STAFF: return "centre_staff";
    default: return "unspecified";
  }
}

nlohmann::json categories(proto::Report::Reader r) {
  auto out = nlohmann::json::array();
  for (auto c : r.getCategories()) {
    nlohmann::json j{{"id", text(c)}};
    if (const auto* cat = protocol::findCategory(c.cStr())) j["en"] = cat->nameEn, j["zh"] = cat->nameZh;
    out.push_back(std::move(j));
  }
  return out;
}

}  // namespace

nlohmann::json reportSummaryJson(const std::string& ref, std::uint32_t day, proto::Report::Reader r) {
  auto e = r.getEmployer();
  return {{"ref", ref},
          {"stored", protocol::isoDate(day)},
          {"employer", text(e.getName())},
          {"city", text(e.getCity())},
          {"province", text(e.getProvince())},
          {"industry", text(e.getIndustry())},
          {"categories", categories(r)},
          {"evidence", r.getAttachments().size()},
          {"answerable", r.getReplyKey().size() > 0}};
}

nlohmann::json reportJson(const std::string& ref, std::uint32_t day, proto::Report::Reader r) {
  auto j = reportSummaryJson(ref, day, r);
  auto e = r.getEmployer();
  j["address"] = text(e.getAddress());
  j["identifier"] = text(e.getIdentifier());
  j["country"] = text(e.getCountry());
  auto brands = nlohmann::json::array();
  for (auto b : e.getBrandCustomers()) brands.push_back(text(b));
  j["brands"] = brands;
  auto w = r.getOccurred();
  j["occurred"] = {{"year", w.getYear()}, {"month", w.getMonth()}, {"day", w.getDay()}};
  auto indicators = nlohmann::json::array();
  for (auto i : r.getForcedLabourIndicators()) {
    nlohmann::json ij{{"id", text(i)}};
    if (const auto* ind = protocol::findIndicator(i.cStr())) ij["en"] = ind->nameEn;
    indicators.push_back(std::move(ij));
  }
  j["indicators"] = indicators;
  j["workersAffected"] = r.getWorkersAffected();
  if (r.hasAmountOwed() && r.getAmountOwed().getMinorUnits())
    j["amountOwed"] = {{"minorUnits", r.getAmountOwed().getMinorUnits()}, {"currency", text(r.getAmountOwed().getCurrency())}};
  j["role"] = roleId(r.getReporterRole());
  j["language"] = text(r.getLanguage());
  j["narrative"] = text(r.getNarrative());
  auto atts = nlohmann::json::array();
  for (auto a : r.getAttachments()) {
    auto removed = nlohmann::json::array();
    for (auto t : a.getRemovedMetadata()) removed.push_back(text(t));
    const std::string type = text(a.getMediaType());
    // Photos and documents shown as fresh pixels, sound played as a fresh WAV (/api/evidence).
    const bool viewable = type.rfind("image/", 0) == 0 || type == "application/pdf" || type.rfind("audio/", 0) == 0;
    atts.push_back({{"type", type}, {"size", a.getSize()}, {"removed", removed}, {"viewable", viewable}});
  }
  j["attachments"] = atts;
  return j;
}

nlohmann::json caseStateJson(const CaseState& s) {
  nlohmann::json j{{"status", statusId(s.status)}, {"reason", s.reason}, {"assignee", s.assignee},
                   {"notes", s.notes}, {"answers", s.answers}};
  if (s.hasOutcome)
    j["outcome"] = {{"amountRecovered", s.amountRecovered}, {"currency", s.currency}, {"workersHelped", s.workersHelped}};
  return j;
}

nlohmann::json caseJson(proto::Case::Reader c) {
  auto j = caseStateJson(stateOf(c));
  auto events = nlohmann::json::array();
  for (auto e : c.getEvents()) {
    nlohmann::json ej{{"time", e.getTime()}, {"author", text(e.getAuthor())}};
    switch (e.which()) {
      case proto::CaseEvent::STATUS:
        ej["kind"] = "status", ej["to"] = statusId(e.getStatus().getTo()), ej["reason"] = text(e.getStatus().getReason());
        break;
      case proto::CaseEvent::NOTE: ej["kind"] = "note", ej["text"] = text(e.getNote()); break;
      case proto::CaseEvent::ANSWER: ej["kind"] = "answer", ej["text"] = text(e.getAnswer()); break;
      case proto::CaseEvent::ASSIGNEE: ej["kind"] = "assignee", ej["text"] = text(e.getAssignee()); break;
      case proto::CaseEvent::OUTCOME: {
        auto o = e.getOutcome();
        ej["kind"] = "outcome";
        ej["amountRecovered"] = o.getAmountRecovered();
        ej["currency"] = text(o.getCurrency());
        ej["workersHelped"] = o.getWorkersHelped();
        break;
      }
    }
    events.push_back(std::move(ej));
  }
  j["events"] = events;
  return j;
}

}  // namespace gongyou::analyst
