// Prints, as a gettext template, the messages that live in data/ rather than in
// code: the taxonomy's category names and the ILO forced-labour indicators.
// scripts/po joins this with what xgettext finds in the sources, so a
// translator meets every text the reporter shows in one .po file.
#include <iostream>
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

void entry(const std::string& comment, const std::string& msgid) {
  std::cout << "#. " << comment << "\n#: data/violation_taxonomy.csv\nmsgid " << quoted(msgid) << "\nmsgstr \"\"\n\n";
}

}  // namespace

int main() {
  using namespace gongyou::protocol;
  std::cout << "msgid \"\"\nmsgstr \"\"\n\"Content-Type: text/plain; charset=UTF-8\\n\"\n\n";
  for (const auto& c : categories())
    entry("A kind of problem the reporter offers (" + c.id + "): " + c.definition, c.nameEn);
  for (const auto& i : forcedLabourIndicators())
    entry("An ILO indicator of forced labour (" + i.id + "), asked as \"Did any of these happen?\"", i.nameEn);
}
