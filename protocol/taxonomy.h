// The violation taxonomy and the ILO forced-labour indicators, compiled in from
// data/*.csv so that every program agrees on the ids without any file at run time.
//
// Ids are the stable contract: reports carry them, the analyst aggregates by them.
// Names and legal bases are for people (the reporter's rights hints, the dashboard).
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace gongyou::protocol {

struct Category {
  std::string id, nameEn, nameZh, definition, legalBasis, internationalAnchor;
};

struct ForcedLabourIndicator {
  std::string id, nameEn, nameZh;
  std::vector<std::string> mapsTo;  // category ids
};

const std::vector<Category>& categories();
const std::vector<ForcedLabourIndicator>& forcedLabourIndicators();
const Category* findCategory(std::string_view id);
const ForcedLabourIndicator* findIndicator(std::string_view id);

// RFC 4180 CSV (quoted fields, doubled quotes, CRLF or LF). Throws
// std::runtime_error on an unterminated quote. Exposed for tests.
std::vector<std::vector<std::string>> parseCsv(std::string_view text);

}  // namespace gongyou::protocol
