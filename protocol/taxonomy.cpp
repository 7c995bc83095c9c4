#include "protocol/taxonomy.h"

#include <algorithm>
#include <stdexcept>

namespace gongyou::protocol {
namespace data {
extern const char kViolationTaxonomyCsv[];
extern const char kForcedLabourIndicatorsCsv[];
extern const char kRightsCsv[];
}  // namespace data

std::vector<std::vector<std::string>> parseCsv(std::string_view text) {
  std::vector<std::vector<std::string>> rows;
  std::vector<std::string> row;
  std::string field;
  bool quoted = false, any = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (quoted) {
      if (c != '"') field += c;
      else if (i + 1 < text.size() && text[i + 1] == '"') field += '"', ++i;
      else quoted = false;
      continue;
    }
    if (c == '"') quoted = any = true;
    else if (c == ',') row.push_back(std::move(field)), field.clear(), any = true;
    else if (c == '\r') continue;
    else if (c == '\n') {
      if (any || !field.empty()) row.push_back(std::move(field)), rows.push_back(std::move(row));
      row.clear(), field.clear(), any = false;
    } else field += c, any = true;
  }
  if (quoted) throw std::runtime_error("CSV: unterminated quoted field");
  if (any || !field.empty()) row.push_back(std::move(field)), rows.push_back(std::move(row));
  return rows;
}

namespace {

std::vector<std::string> splitSemicolons(const std::string& s) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start <= s.size()) {
    std::size_t end = s.find(';', start);
    if (end == std::string::npos) end = s.size();
    if (end > start) out.push_back(s.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

// Rows after the header, each checked to have the header's width: a broken data
// file must fail loudly at start-up, not drop categories silently.
std::vector<std::vector<std::string>> table(const char* csv, std::size_t minColumns) {
  auto rows = parseCsv(csv);
  if (rows.empty() || rows[0].size() < minColumns) throw std::logic_error("taxonomy CSV: bad header");
  rows.erase(rows.begin());
  for (auto& r : rows)
    if (r.size() < minColumns) throw std::logic_error("taxonomy CSV: short row");
  return rows;
}

}  // namespace

const std::vector<Category>& categories() {
  static const std::vector<Category> all = [] {
    std::vector<Category> v;
    for (auto& r : table(data::kViolationTaxonomyCsv, 6))
      v.push_back({r[0], r[1], r[2], r[3], r[4], r[5], {}, {}, {}, {}});
    // Every category has its worker's words and rights (data/rights.csv), and
    // no row there names a category that does not exist.
    std::size_t joined = 0;
    for (auto& r : table(data::kRightsCsv, 5)) {
      auto c = std::find_if(v.begin(), v.end(), [&](const Category& x) { return x.id == r[0]; });
      if (c == v.end() || !c->workerName.empty()) throw std::logic_error("rights CSV: unknown or repeated category " + r[0]);
      c->workerName = r[1], c->right = r[2], c->nextStepsCn = r[3], c->citationCn = r[4];
      ++joined;
    }
    if (joined != v.size()) throw std::logic_error("rights CSV: a category has no row");
    return v;
  }();
  return all;
}

const std::vector<ForcedLabourIndicator>& forcedLabourIndicators() {
  static const std::vector<ForcedLabourIndicator> all = [] {
    std::vector<ForcedLabourIndicator> v;
    for (auto& r : table(data::kForcedLabourIndicatorsCsv, 4))
      v.push_back({r[0], r[1], r[2], splitSemicolons(r[3])});
    return v;
  }();
  return all;
}

const Category* findCategory(std::string_view id) {
  for (const auto& c : categories())
    if (c.id == id) return &c;
  return nullptr;
}

const ForcedLabourIndicator* findIndicator(std::string_view id) {
  for (const auto& i : forcedLabourIndicators())
    if (i.id == id) return &i;
  return nullptr;
}

std::string categoryName(std::string_view id, std::string_view language) {
  const auto* c = findCategory(id);
  return c ? (language == "zh-Hans" ? c->nameZh : c->nameEn) : std::string(id);
}

std::string indicatorName(std::string_view id, std::string_view language) {
  const auto* i = findIndicator(id);
  return i ? (language == "zh-Hans" ? i->nameZh : i->nameEn) : std::string(id);
}

}  // namespace gongyou::protocol
