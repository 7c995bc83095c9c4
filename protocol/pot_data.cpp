// Prints, as a gettext template, the messages that live in data/ rather than in
// code: the taxonomy's category names, the rights texts (data/rights.csv) and
// the ILO forced-labour indicators.
// scripts/po joins this with what xgettext finds in the sources, so a
// translator meets every text the reporter shows in one .po file.
#include <iostream>
#include <set>
#include <string>

#include "protocol/taxonomy.h"

namespace {

std::string quoted(const std::string& s) {
  std::string o = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') o += '\\';
    if (c == '\n') o += "\\n";
    else o += c;
  }
  return o + "\"";
}

// A text used twice (two categories citing the same articles) is one message,
// with the comment of its first use.
void entry(const std::string& comment, const std::string& file, const std::string& msgid) {
  static std::set<std::string> seen;
  if (msgid.empty() || !seen.insert(msgid).second) return;
  std::cout << "#. " << comment << "\n#: " << file << "\nmsgid " << quoted(msgid) << "\nmsgstr \"\"\n\n";
}

}  // namespace

int main() {
  using namespace gongyou::protocol;
  std::cout << "msgid \"\"\nmsgstr \"\"\n\"Content-Type: text/plain; charset=UTF-8\\n\"\n\n";
  const std::string tax = "data/violation_taxonomy.csv", rights = "data/rights.csv";
  for (const auto& c : categories()) {
    entry("A kind of problem (" + c.id + "), as the centre's tools name it: " + c.definition, tax, c.nameEn);
    entry("The same (" + c.id + ") in the worker's plain words, on the form's list: " + c.definition, rights,
          c.workerName);
    entry("The right (" + c.id + "), one plain sentence for a worker with little schooling. Numbers are Chinese law.",
          rights, c.right);
    entry("What to do next (" + c.id + ") for an employer in China: evidence to keep, where to go, time limits. "
          "12333 is the labour and social security hotline, 110 the police, 12350 work safety, 12338 the "
          "women's federation.",
          rights, c.nextStepsCn);
    entry("The Chinese statutes for " + c.id + ", shown last. Use each statute's official title in your "
          "language where one exists; in Chinese, the title in 《》 and the article numbers in Chinese numerals.",
          rights, c.citationCn);
  }
  for (const auto& i : forcedLabourIndicators())
    entry("An ILO indicator of forced labour (" + i.id + "), asked as \"Did any of these happen?\"", tax, i.nameEn);
}
