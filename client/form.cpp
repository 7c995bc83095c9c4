#include "client/form.h"

#include <sodium.h>

#include <istream>
#include <ostream>
#include <set>
#include <sstream>

#include "protocol/attachments.h"
#include "protocol/day.h"
#include "protocol/report.capnp.h"
#include "protocol/report_check.h"
#include "protocol/taxonomy.h"

namespace gongyou::client {
namespace {

class Asker {
 public:
  Asker(std::istream& in, std::ostream& out) : in_(in), out_(out) {}
  ~Asker() { wipe(); }
  // The answer, trimmed; false at end of input.
  bool ask(const std::string& prompt, std::string& answer) {
    out_ << prompt << "\n> " << std::flush;
    wipe();
    if (!std::getline(in_, line_)) return false;
    std::size_t a = line_.find_first_not_of(" \t\r"), b = line_.find_last_not_of(" \t\r");
    answer = a == std::string::npos ? "" : line_.substr(a, b - a + 1);
    return true;
  }
  void say(const std::string& s) { out_ << s << "\n"; }

 private:
  // What the worker typed is plaintext: do not leave it in freed heap memory.
  void wipe() {
    if (!line_.empty()) sodium_memzero(line_.data(), line_.size());
    line_.clear();
  }
  std::istream& in_;
  std::ostream& out_;
  std::string line_;
};

std::vector<int> numbers(const std::string& s, int max, bool& ok) {
  std::vector<int> out;
  std::string t = s;
  // Separators: spaces, commas, and any non-ASCII (a full-width "，" or "、").
  for (char& c : t)
    if (c == ',' || c == ';' || static_cast<unsigned char>(c) >= 0x80) c = ' ';
  std::istringstream is(t);
  std::string tok;
  ok = true;
  while (is >> tok) {
    try {
      std::size_t used = 0;
      int n = std::stoi(tok, &used);
      if (used != tok.size() || n < 1 || n > max) ok = false;
      else out.push_back(n);
    } catch (const std::exception&) {
      ok = false;
    }
  }
  return out;
}

bool wholeNumber(const std::string& s, unsigned long long& v) {
  if (s.empty() || s.find_first_not_of("0123456789") != std::string::npos || s.size() > 15) return false;
  v = std::stoull(s);
  return true;
}

bool zh(const Messages& tr) { return tr.tag().rfind("zh", 0) == 0; }

}  // namespace

FormResult runForm(std::istream& in, std::ostream& out, const Messages& tr, const std::string& centreName,
                   SecretMessage& message) {
  FormResult result;
  Asker a(in, out);
  auto r = message.builder().initRoot<proto::Report>();
  r.setLanguage(tr.tag());
  auto emp = r.initEmployer();
  emp.setCountry("CN");
  std::string s;
  a.say(tr("form.intro", {centreName}));

  do {
    if (!a.ask(tr("form.employer"), s)) return result;
  } while (s.empty());
  emp.setName(s);
  if (!a.ask(tr("form.city"), s)) return result;
  emp.setCity(s);
  if (!a.ask(tr("form.province"), s)) return result;
  emp.setProvince(s);
  if (!a.ask(tr("form.industry"), s)) return result;
  emp.setIndustry(s);

  for (;;) {
    if (!a.ask(tr("form.when"), s)) return result;
    if (s.empty()) break;
    unsigned y = 0, m = 0;
    char dash = 0;
    std::istringstream is(s);
    if (is >> y >> dash >> m && dash == '-' && is.peek() == EOF && m >= 1 && m <= 12) {
      r.initOccurred().setYear(static_cast<std::uint16_t>(y));
      r.getOccurred().setMonth(static_cast<std::uint8_t>(m));
      std::string problem = protocol::checkReport(r.asReader(), protocol::today());
      if (problem.rfind("occurred", 0) != 0) break;
      a.say(tr("form.invalid", {problem}));
      r.initOccurred();
      continue;
    }
    a.say(tr("form.when_bad"));
  }

  const auto& cats = protocol::categories();
  std::string menu = tr("form.categories");
  for (std::size_t i = 0; i < cats.size(); ++i)
    menu += "\n  " + std::to_string(i + 1) + ". " + (zh(tr) ? cats[i].nameZh : cats[i].nameEn);
  std::vector<int> chosen;
  for (;;) {
    if (!a.ask(menu, s)) return result;
    bool ok = false;
    chosen = numbers(s, static_cast<int>(cats.size()), ok);
    std::set<int> unique(chosen.begin(), chosen.end());
    chosen.assign(unique.begin(), unique.end());
    if (ok && !chosen.empty() && chosen.size() <= protocol::ReportCaps::kCategories) break;
    a.say(tr("form.categories_bad"));
  }
  auto list = r.initCategories(static_cast<unsigned>(chosen.size()));
  for (unsigned i = 0; i < chosen.size(); ++i) {
    const auto& c = cats[chosen[i] - 1];
    list.set(i, c.id);
    // Telling workers their rights is a centre's core service: say it now.
    a.say(tr("form.rights", {zh(tr) ? c.nameZh : c.nameEn, c.legalBasis}));
  }

  const auto& inds = protocol::forcedLabourIndicators();
  menu = tr("form.indicators");
  for (std::size_t i = 0; i < inds.size(); ++i)
    menu += "\n  " + std::to_string(i + 1) + ". " + (zh(tr) ? inds[i].nameZh : inds[i].nameEn);
  for (;;) {
    if (!a.ask(menu, s)) return result;
    bool ok = false;
    auto picked = numbers(s, static_cast<int>(inds.size()), ok);
    if (!ok) {
      a.say(tr("form.categories_bad"));
      continue;
    }
    std::set<int> unique(picked.begin(), picked.end());
    auto l = r.initForcedLabourIndicators(static_cast<unsigned>(unique.size()));
    unsigned i = 0;
    for (int n : unique) l.set(i++, inds[n - 1].id);
    break;
  }

  unsigned long long v = 0;
  for (;;) {
    if (!a.ask(tr("form.workers"), s)) return result;
    if (s.empty()) break;
    if (wholeNumber(s, v) && v <= protocol::ReportCaps::kWorkers) {
      r.setWorkersAffected(static_cast<std::uint32_t>(v));
      break;
    }
    a.say(tr("form.number_bad"));
  }
  for (;;) {
    if (!a.ask(tr("form.amount"), s)) return result;
    if (s.empty()) break;
    if (wholeNumber(s, v) && v * 100 <= protocol::ReportCaps::kMinorUnits) {
      auto money = r.initAmountOwed();
      money.setMinorUnits(v * 100);
      money.setCurrency("CNY");
      break;
    }
    a.say(tr("form.number_bad"));
  }
  for (;;) {
    if (!a.ask(tr("form.narrative"), s)) return result;
    r.setNarrative(s);
    std::string problem = protocol::checkReport(r.asReader(), protocol::today());
    if (problem.rfind("narrative", 0) != 0) break;
    a.say(tr("form.invalid", {problem}));
  }

  static const std::pair<proto::ReporterRole, const char*> kRoles[] = {
      {proto::ReporterRole::AFFECTED_WORKER, "affectedWorker"},
      {proto::ReporterRole::COWORKER, "coworker"},
      {proto::ReporterRole::FAMILY_MEMBER, "familyMember"},
      {proto::ReporterRole::WORKER_REPRESENTATIVE, "workerRepresentative"},
      {proto::ReporterRole::CENTRE_STAFF, "centreStaff"}};
  menu = tr("form.role");
  for (std::size_t i = 0; i < 5; ++i) menu += "\n  " + std::to_string(i + 1) + ". " + tr(std::string("form.role.") + kRoles[i].second);
  for (;;) {
    if (!a.ask(menu, s)) return result;
    bool ok = false;
    auto n = numbers(s, 5, ok);
    if (s.empty()) break;
    if (ok && n.size() == 1) {
      r.setReporterRole(kRoles[n[0] - 1].first);
      break;
    }
    a.say(tr("form.categories_bad"));
  }

  // Evidence: each file is cleaned as soon as it is named, and the worker sees
  // what was taken out (or why it cannot go) before deciding to send.
  while (result.evidence.size() < protocol::kMaxAttachments) {
    if (!a.ask(tr("form.attach"), s)) return result;
    if (s.empty()) break;
    if (s.size() >= 2 && (s.front() == '\'' || s.front() == '"') && s.back() == s.front())
      s = s.substr(1, s.size() - 2);  // a dragged file's path arrives quoted
    LoadedEvidence l = loadEvidence(s);
    a.say(explainEvidence(tr, s, l, result.evidence.size()));
    if (l.problem != EvidenceProblem::None) continue;
    result.evidence.push_back(std::move(l.evidence));
    if (std::string set = checkEvidenceSet(result.evidence); !set.empty()) {
      a.say(explainEvidenceSet(tr, set));
      result.evidence.pop_back();
      break;
    }
  }

  if (!a.ask(tr("form.reply"), s)) return result;
  result.wantReply = !(s == "n" || s == "N" || s == "no" || s == "否");

  std::string problem = protocol::checkReport(r.asReader(), protocol::today());
  if (!problem.empty()) {
    a.say(tr("form.invalid", {problem}));
    return result;
  }
  if (!a.ask(tr("form.confirm"), s)) return result;
  result.confirmed = s == "y" || s == "Y" || s == "yes" || s == "是";
  if (!result.confirmed) a.say(tr("form.cancelled"));
  return result;
}

}  // namespace gongyou::client
