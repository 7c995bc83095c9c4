// Employer names as workers write them are messy: the same firm in Chinese and
// English, full-width letters, typos in punctuation, legal-form and branch
// suffixes. normaliseName() folds what is safe to fold; the centre's alias file
// joins what only a person can know belongs together ("Foxconn = 富士康 = Hon Hai").
//
// Normalisation: Unicode NFKC with case folding (ICU: full-width forms,
// ligatures, "㈱", all cases), punctuation (ASCII and CJK) removed, bracketed
// parts removed ("(Shenzhen)", "（深圳）" — branch and city qualifiers), then
// legal-form suffixes stripped ("有限公司", "股份有限公司", "Co., Ltd.",
// "Inc"...), whitespace collapsed.
#pragma once

#include <map>
#include <string>
#include <string_view>

namespace gongyou::analyst {

std::string normaliseName(std::string_view name);
std::string nfkcCasefold(std::string_view s);

// Province-level divisions of China in one spelling: "Guangdong", "广东省" and
// "guangdong province" all become "广东"; anything else is returned trimmed.
std::string normaliseProvince(std::string_view province);

class Aliases {
 public:
  // Lines "Name = Other name = 其他名称"; "#" comments. The first name is the one
  // shown. Throws std::runtime_error naming the line for a line without "=".
  static Aliases parse(std::string_view text);
  // The canonical key and display name for a reported name.
  std::string key(std::string_view name) const;
  std::string display(const std::string& key, const std::string& fallback) const;

 private:
  std::map<std::string, std::string> toKey_;     // normalised alias -> normalised first name
  std::map<std::string, std::string> display_;   // normalised first name -> first name as written
};

}  // namespace gongyou::analyst
