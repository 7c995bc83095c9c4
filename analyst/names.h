// Employer names as workers write them are messy: the same firm in Chinese and
// English, full-width letters, typos in punctuation, legal-form and branch
// suffixes. normaliseName() folds what is safe to fold; the centre's alias file
// joins what only a person can know belongs together ("Foxconn = 富士康 = Hon Hai").
//
// Normalisation: Unicode NFKC with case folding (ICU: full-width forms,
// ligatures, "㈱", all cases), punctuation (ASCII and CJK) removed, legal forms
// stripped wherever a firm's name carries them ("有限公司", "股份有限公司",
// "株式会社", "(有)", "合同会社", "Co., Ltd.", "Sdn Bhd", "PT"...), whitespace
// collapsed.
//
// A factory is not its firm: "Foxconn (Zhengzhou)" and "Foxconn (Shenzhen)"
// are two workplaces of one firm, so a bracketed qualifier ("(Zhengzhou)",
// "（深圳）") or a branch suffix ("…有限公司第一分厂", "…公司郑州分公司") is kept
// as the branch, beside the firm. Names that say nothing ("(unknown)",
// "(未知)", "【某工厂】", "不知道", "n/a", nothing at all) are not an employer:
// such reports are counted as "employer not named", never ranked, never
// merged with each other.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace gongyou::analyst {

// The firm's name without brackets or legal forms ("" when it names nobody).
std::string normaliseName(std::string_view name);
std::string nfkcCasefold(std::string_view s);

struct EmployerName {
  std::string firm;    // normalised, "" when the name says nothing
  std::string branch;  // normalised qualifier: "zhengzhou", "深圳", "第一分厂"; "" when none
  bool named() const { return !firm.empty(); }
};
EmployerName parseEmployerName(std::string_view name);

// The name as written without its bracketed parts (how its firm reads:
// "Foxconn (Zhengzhou)" -> "Foxconn"); the name itself if nothing is left.
std::string withoutBrackets(const std::string& name);

// Province-level divisions of China in one spelling: "Guangdong", "广东省" and
// "guangdong province" all become "广东"; anything else is returned trimmed.
std::string normaliseProvince(std::string_view province);

// Whether two normalised firm names are likely one firm a person should look
// at: one is the other followed by more words ("didi" / "didi chuxing",
// "富士康" / "富士康科技"), or they differ by at most one character in six
// (a typo, a simplified or traditional form, a dropped word). "" when not, else
// the reason: "prefix" or "close".
std::string likelySame(const std::string& a, const std::string& b);

class Aliases {
 public:
  // Lines "Name = Other name = 其他名称"; "#" comments. The first name is the one
  // shown. A name after the first may be a pattern: "Didi*" joins every firm
  // whose name starts with "didi", "*滴滴*" every one containing "滴滴" (after the
  // same normalisation). Exact names win over patterns; patterns apply in the
  // file's order. Throws std::runtime_error naming the line for a line without
  // "=", or a pattern with nothing but "*".
  static Aliases parse(std::string_view text);
  // A reported name as the centre's aliases have it: the firm's canonical key,
  // and the branch. An alias naming a branch ("Huaqiang Electronics (Shenzhen)")
  // stands for that branch alone, and takes the first name's branch (none, for
  // "深圳市华强电子有限公司"); one without stands for every branch of its firm.
  EmployerName resolve(const EmployerName& reported) const;
  // The canonical firm key for a reported name.
  std::string key(std::string_view name) const { return resolve(parseEmployerName(name)).firm; }
  std::string display(const std::string& key, const std::string& fallback) const;

 private:
  struct Pattern {
    std::string text;
    EmployerName key;
    bool prefix;  // else: contains
  };
  std::map<std::string, EmployerName> toKey_;    // "firm|branch" of an alias -> the first name's
  std::map<std::string, std::string> display_;   // normalised first name -> first name as written
  std::vector<Pattern> patterns_;
};

// Names and provinces as the analysis reads them, each worked out once: a
// centre's million reports name a few thousand employers, and normalising one
// (ICU, legal forms, aliases) costs more than the rest of a report's analysis.
// References returned stay valid while the memo lives.
class NameMemo {
 public:
  explicit NameMemo(const Aliases& aliases) : aliases_(aliases) {}
  // parseEmployerName, then the aliases.
  const EmployerName& employer(const std::string& name);
  // normaliseProvince, "(not given)" for nothing.
  const std::string& province(const std::string& province);

 private:
  const Aliases& aliases_;
  std::unordered_map<std::string, EmployerName> employers_;
  std::unordered_map<std::string, std::string> provinces_;
};

}  // namespace gongyou::analyst
