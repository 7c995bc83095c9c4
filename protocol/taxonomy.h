// The violation taxonomy and the ILO forced-labour indicators, compiled in from
// data/*.csv so that every program agrees on the ids without any file at run time.
//
// Ids are the stable contract: reports carry them, the analyst aggregates by them.
// Names and legal bases are for people (the reporter's rights texts, the dashboard).
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace gongyou::protocol {

struct Category {
  std::string id, nameEn, nameZh, definition, legalBasis, internationalAnchor;
  // For the worker (data/rights.csv), English msgids of the reporter's
  // catalog: the name in plain words, the right in one sentence, and, for an
  // employer in China, what to do next (evidence, where, time limits) and the
  // citation, shown last. Outside China the reporter shows the international
  // anchor and says the centre will tell the local law.
  std::string workerName, right, nextStepsCn, citationCn;
};

struct ForcedLabourIndicator {
  std::string id, nameEn, nameZh;
  std::vector<std::string> mapsTo;  // category ids
};

const std::vector<Category>& categories();
const std::vector<ForcedLabourIndicator>& forcedLabourIndicators();
const Category* findCategory(std::string_view id);
const ForcedLabourIndicator* findIndicator(std::string_view id);

// The names the centre's tools show (the taxonomy's two columns): Chinese for
// `language` "zh-Hans", English for any other; an unknown id as it is.
std::string categoryName(std::string_view id, std::string_view language);
std::string indicatorName(std::string_view id, std::string_view language);

// RFC 4180 CSV (quoted fields, doubled quotes, CRLF or LF). Throws
// std::runtime_error on an unterminated quote. Exposed for tests.
std::vector<std::vector<std::string>> parseCsv(std::string_view text);

}  // namespace gongyou::protocol
