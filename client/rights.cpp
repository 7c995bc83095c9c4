#include "client/rights.h"

#include "protocol/day.h"
#include "protocol/guidance.h"
#include "protocol/terminal_text.h"

namespace gongyou::client {
namespace {

// A centre's text may run over several lines: each keeps the indent, and
// anything a terminal would act on is shown escaped (the text is signed, but a
// careless paste should not rewrite the screen).
std::string indented(const std::string& text) {
  std::string out = "  ";
  for (char ch : protocol::printable(text)) {
    out += ch;
    if (ch == '\n') out += "  ";
  }
  return out + "\n";
}

}  // namespace

std::string rightsText(const Messages& tr, const protocol::Category& c, const std::string& country,
                       std::optional<proto::Guidance::Reader> guidance) {
  std::string out = tr("Your rights: %s", {tr(c.workerName)}) + "\n";
  if (guidance) {
    if (auto g = protocol::guidanceFor(*guidance, c.id, tr.tag())) {
      out += indented(g->right);
      out += indented(tr("What to do: %s", {g->nextSteps}));
      if (!g->whereToGo.empty()) out += indented(tr("Where to go: %s", {g->whereToGo}));
      if (!g->citation.empty()) out += indented(tr("The law: %s", {g->citation}));
      // TRANSLATORS: %s is a date (2026-12-01). The advice above is the worker centre's own.
      out += "  " + tr("(Advice from your centre, %s.)", {protocol::isoDate(guidance->getIssuedDay())}) + "\n";
      return out;
    }
  }
  if (country == "CN") {
    out += "  " + tr(c.right) + "\n";
    out += "  " + tr("What to do: %s", {tr(c.nextStepsCn)}) + "\n";
    // TRANSLATORS: where a worker in China takes any of these problems. Labour dispute
    // arbitration is free (Labour Dispute Mediation and Arbitration Law Art. 53).
    out += "  " + tr("Where to go: labour inspection in the district where you work, or call 12333. For money or a "
                     "contract, apply to the labour dispute arbitration committee; it costs nothing.") +
           "\n";
    if (!c.citationCn.empty()) out += "  " + tr("The law: %s", {tr(c.citationCn)}) + "\n";
    return out;
  }
  out += "  " + tr("Your centre will tell you the law where you work and what to do next.") + "\n";
  if (!c.internationalAnchor.empty())
    out += "  " + tr("International standard: %s", {c.internationalAnchor}) + "\n";
  return out;
}

}  // namespace gongyou::client
