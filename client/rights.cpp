#include "client/rights.h"

namespace gongyou::client {

std::string rightsText(const Messages& tr, const protocol::Category& c, const std::string& country) {
  std::string out = tr("Your rights: %s", {tr(c.workerName)}) + "\n";
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
