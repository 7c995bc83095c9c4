#include "analyst/names.h"

#include <unicode/normalizer2.h>
#include <unicode/unistr.h>

#include <algorithm>
#include <cstring>
#include <stdexcept>
#include <vector>

#include "crypto/bytes.h"

namespace gongyou::analyst {
namespace {

// Decodes UTF-8 (invalid bytes become U+FFFD) and encodes back.
std::u32string decode(std::string_view s) {
  std::u32string out;
  for (std::size_t i = 0; i < s.size();) {
    auto c = static_cast<unsigned char>(s[i]);
    std::size_t n = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 0;
    if (n == 0 || i + n > s.size()) {
      out += U'\uFFFD';
      ++i;
      continue;
    }
    char32_t cp = n == 1 ? c : c & (0x7F >> n);
    for (std::size_t k = 1; k < n; ++k) cp = (cp << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3F);
    out += cp;
    i += n;
  }
  return out;
}

std::string encode(const std::u32string& s) {
  std::string out;
  for (char32_t c : s) {
    if (c < 0x80) {
      out += static_cast<char>(c);
    } else if (c < 0x800) {
      out += static_cast<char>(0xC0 | (c >> 6)), out += static_cast<char>(0x80 | (c & 0x3F));
    } else if (c < 0x10000) {
      out += static_cast<char>(0xE0 | (c >> 12)), out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (c & 0x3F));
    } else {
      out += static_cast<char>(0xF0 | (c >> 18)), out += static_cast<char>(0x80 | ((c >> 12) & 0x3F));
      out += static_cast<char>(0x80 | ((c >> 6) & 0x3F)), out += static_cast<char>(0x80 | (c & 0x3F));
    }
  }
  return out;
}

bool isPunct(char32_t c) {
  if (c < 0x80) return (c >= 0x21 && c <= 0x2F) || (c >= 0x3A && c <= 0x40) || (c >= 0x5B && c <= 0x60) || (c >= 0x7B && c <= 0x7E);
  return (c >= 0x3000 && c <= 0x303F) || c == 0x00B7 || c == 0x2022 || (c >= 0x2010 && c <= 0x2027) ||
         c == 0xFF65 || c == 0x30FB;
}

bool opens(char32_t c) { return c == U'(' || c == U'[' || c == U'（' || c == U'【' || c == U'〔'; }
bool closes(char32_t c) { return c == U')' || c == U']' || c == U'）' || c == U'】' || c == U'〕'; }

// Legal forms a firm's name carries at its end, longest first, so "股份有限公司"
// goes before "有限公司" before "公司" (Chinese, Japanese, English, and the
// corridors': Malaysia, Singapore, Indonesia, Vietnam, Thailand).
const std::vector<std::u32string>& suffixes() {
  static const std::vector<std::u32string> s = {
      U"股份有限公司", U"有限责任公司", U"有限公司", U"集团公司", U"公司", U"集团",
      U"株式会社", U"有限会社", U"合同会社", U"合資会社", U"合名会社",
      U" kabushiki kaisha", U" kabushikigaisha", U" sdn bhd", U" pte ltd", U" co ltd", U" company limited",
      U" co limited", U" public company limited", U" limited", U" ltd", U" incorporated", U" inc", U" corporation",
      U" corp", U" company", U" co", U" llc", U" group", U" bhd", U" pte", U" tbk", U" jsc", U" tnhh", U" kk", U" k k",
      U" gk", U" จำกัด มหาชน", U" จำกัด", U"จำกัด"};
  return s;
}

// Legal forms written before the name (株式会社村田組, PT Maju, Công ty TNHH An Phát).
const std::vector<std::u32string>& prefixes() {
  static const std::vector<std::u32string> s = {U"株式会社", U"有限会社", U"合同会社", U"合資会社", U"合名会社",
                                                U"công ty cổ phần ", U"công ty tnhh ", U"công ty ", U"cty ",
                                                U"pt ", U"cv ", U"บริษัท ", U"บริษัท", U"ห้างหุ้นส่วนจำกัด "};
  return s;
}

// What a bracket holds when it is a legal form, not a place: "(株)" and "(有)"
// (NFKC makes them of "㈱" and "㈲"), "(Pvt)", "(M)" for Malaysia.
bool legalAbbreviation(const std::u32string& s) {
  for (const char32_t* l : {U"株", U"有", U"合", U"同", U"資", U"名", U"社", U"財", U"ltd", U"co ltd", U"inc",
                            U"pvt", U"private", U"m", U"pte", U"limited", U"有限公司", U"集团"})
    if (s == l) return true;
  return false;
}

// Words that name nobody: what a worker writes when they do not know, or will
// not say, or a form's placeholder.
bool placeholder(const std::u32string& s) {
  if (s.empty()) return true;
  for (const char32_t* p : {U"unknown", U"n a", U"na", U"none", U"nil", U"not known", U"dont know", U"don t know",
                            U"do not know", U"unnamed", U"no name", U"anonymous", U"employer", U"factory", U"company",
                            U"x", U"xx", U"xxx", U"不知道", U"不清楚", U"未知", U"不详", U"不明", U"无", U"没有",
                            U"工厂", U"公司", U"老板", U"わからない", U"tidak tahu", U"không biết", U"ไม่ทราบ",
                            U"hindi alam"})
    if (s == p) return true;
  // 某工厂, 某某公司, 某厂: "a certain factory".
  return s[0] == U'某' && s.size() <= 5;
}

std::u32string trimmed(std::u32string s) {
  while (!s.empty() && s.back() == U' ') s.pop_back();
  std::size_t a = 0;
  while (a < s.size() && s[a] == U' ') ++a;
  return s.substr(a);
}

std::u32string stripLegalForms(std::u32string s) {
  for (bool again = true; again;) {
    again = false;
    s = trimmed(s);
    for (const auto& x : suffixes())
      if (s.size() > x.size() && s.compare(s.size() - x.size(), x.size(), x) == 0) {
        s.erase(s.size() - x.size());
        again = true;
        break;
      }
    for (const auto& x : prefixes())
      if (s.size() > x.size() && s.compare(0, x.size(), x) == 0) {
        s.erase(0, x.size());
        again = true;
        break;
      }
  }
  return trimmed(s);
}

// The name folded: what stands outside brackets, and each bracket's contents,
// each with NFKC case folding, full-width ASCII and punctuation made plain and
// spaces collapsed.
struct Folded {
  std::u32string outside;
  std::vector<std::u32string> brackets;
};

Folded fold(std::string_view name) {
  Folded f;
  std::u32string in = decode(nfkcCasefold(name));
  int depth = 0;
  auto put = [](std::u32string& to, char32_t c) {
    if (c == U' ' && (to.empty() || to.back() == U' ')) return;
    to += c;
  };
  for (char32_t c : in) {
    if (c >= 0xFF01 && c <= 0xFF5E) c -= 0xFEE0;  // full-width ASCII
    if (c == 0x3000) c = U' ';                   // ideographic space
    if (opens(c)) {
      if (depth++ == 0) f.brackets.emplace_back();
      put(f.outside, U' ');
      continue;
    }
    if (closes(c)) {
      if (depth > 0) --depth;
      continue;
    }
    if (c >= U'A' && c <= U'Z') c += 32;
    if (isPunct(c) || c == U'\t' || c == U'\n' || c == U'\r') c = U' ';
    put(depth > 0 ? f.brackets.back() : f.outside, c);
  }
  f.outside = trimmed(f.outside);
  for (auto& b : f.brackets) b = trimmed(b);
  return f;
}

// "…有限公司第一分厂", "…集团郑州分公司": the firm, then its branch.
std::pair<std::u32string, std::u32string> branchSuffix(const std::u32string& s) {
  for (const char32_t* tail : {U"分公司", U"分厂", U"分店", U"分部", U"工場", U"支店"}) {
    const std::u32string t = tail;
    if (s.size() <= t.size() || s.compare(s.size() - t.size(), t.size(), t) != 0) continue;
    const std::size_t limit = s.size() - t.size();
    std::size_t cut = std::u32string::npos;
    for (const char32_t* marker : {U"公司", U"集团", U"会社", U"厂"}) {
      const std::u32string m = marker;
      for (std::size_t at = s.find(m); at != std::u32string::npos && at + m.size() <= limit; at = s.find(m, at + 1))
        if (cut == std::u32string::npos || at + m.size() > cut) cut = at + m.size();
    }
    if (cut != std::u32string::npos && cut < s.size()) return {s.substr(0, cut), trimmed(s.substr(cut))};
  }
  return {s, U""};
}

}  // namespace

// Unicode NFKC with case folding (ICU): full-width forms, ligatures, circled and
// parenthesised characters, compatibility ideographs, all cases. On an ICU error
// (malformed input) the text is used as it is.
std::string nfkcCasefold(std::string_view s) {
  UErrorCode status = U_ZERO_ERROR;
  const icu::Normalizer2* nfkc = icu::Normalizer2::getNFKCCasefoldInstance(status);
  if (U_FAILURE(status)) return std::string(s);
  icu::UnicodeString in = icu::UnicodeString::fromUTF8(icu::StringPiece(s.data(), static_cast<int32_t>(s.size())));
  icu::UnicodeString out = nfkc->normalize(in, status);
  if (U_FAILURE(status)) return std::string(s);
  std::string r;
  out.toUTF8String(r);
  return r;
}

EmployerName parseEmployerName(std::string_view name) {
  Folded f = fold(name);
  auto [firm, branch] = branchSuffix(f.outside);
  EmployerName out;
  std::u32string base = stripLegalForms(firm);
  if (placeholder(base)) return out;  // names nobody: whatever the brackets say
  out.firm = encode(base);
  std::u32string qualifier = branch;
  for (const auto& b : f.brackets) {
    const std::u32string inside = stripLegalForms(b);
    if (legalAbbreviation(b) || inside.empty() || placeholder(inside)) continue;
    qualifier += (qualifier.empty() ? U"" : U" ") + inside;
  }
  out.branch = encode(qualifier);
  return out;
}

std::string normaliseName(std::string_view name) { return parseEmployerName(name).firm; }

std::string withoutBrackets(const std::string& name) {
  std::u32string out;
  int depth = 0;
  for (char32_t c : decode(name)) {
    if (opens(c)) ++depth;
    else if (closes(c) && depth > 0) --depth;
    else if (depth == 0) out += c;
  }
  const std::string kept = encode(trimmed(out));
  return kept.empty() ? name : kept;
}

std::string normaliseProvince(std::string_view province) {
  static const std::map<std::string, std::string> kEnglish = {
      {"anhui", "安徽"},     {"beijing", "北京"},   {"chongqing", "重庆"}, {"fujian", "福建"},
      {"gansu", "甘肃"},     {"guangdong", "广东"}, {"guangxi", "广西"},   {"guizhou", "贵州"},
      {"hainan", "海南"},    {"hebei", "河北"},     {"heilongjiang", "黑龙江"}, {"henan", "河南"},
      {"hong kong", "香港"}, {"hubei", "湖北"},     {"hunan", "湖南"},     {"inner mongolia", "内蒙古"},
      {"jiangsu", "江苏"},   {"jiangxi", "江西"},   {"jilin", "吉林"},     {"liaoning", "辽宁"},
      {"macau", "澳门"},     {"macao", "澳门"},     {"ningxia", "宁夏"},   {"qinghai", "青海"},
      {"shaanxi", "陕西"},   {"shandong", "山东"},  {"shanghai", "上海"},  {"shanxi", "山西"},
      {"sichuan", "四川"},   {"taiwan", "台湾"},    {"tianjin", "天津"},   {"tibet", "西藏"},
      {"xizang", "西藏"},    {"xinjiang", "新疆"},  {"yunnan", "云南"},    {"zhejiang", "浙江"}};
  std::string n = normaliseName(province);
  for (const char* suffix : {" province", " autonomous region", " municipality", " sar"})
    if (n.size() > std::strlen(suffix) && n.compare(n.size() - std::strlen(suffix), std::string::npos, suffix) == 0)
      n.erase(n.size() - std::strlen(suffix));
  if (auto it = kEnglish.find(n); it != kEnglish.end()) return it->second;
  // Chinese: drop the administrative suffix (省, 市, 自治区 and the named ones).
  for (const char* suffix : {"壮族自治区", "回族自治区", "维吾尔自治区", "特别行政区", "自治区", "省", "市"}) {
    const std::size_t len = std::strlen(suffix);
    if (n.size() > len && n.compare(n.size() - len, len, suffix) == 0) {
      n.erase(n.size() - len);
      break;
    }
  }
  return n;
}

std::string likelySame(const std::string& a, const std::string& b) {
  if (a.empty() || b.empty() || a == b) return "";
  std::u32string x = decode(a), y = decode(b);
  if (x.size() > y.size()) std::swap(x, y);
  // A short name is too common a word to start others by chance ("li", "华").
  if (x.size() >= 2 && y.compare(0, x.size(), x) == 0 && (x.size() >= 3 || x[0] >= 0x2E80)) return "prefix";
  // A character of Chinese carries a word: one wrong in four is a typo or a
  // simplified/traditional form; in an alphabet, one in six.
  const bool ideographs = y[0] >= 0x2E80;
  const std::size_t allowed = ideographs ? (y.size() >= 4 ? std::max<std::size_t>(1, y.size() / 4) : 0) : y.size() / 6;
  if (allowed == 0 || y.size() - x.size() > allowed) return "";
  // Levenshtein distance, one row, stopped once every cell is over the bound.
  std::vector<std::size_t> row(y.size() + 1);
  for (std::size_t j = 0; j <= y.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= x.size(); ++i) {
    std::size_t diagonal = row[0], best = row[0] = i;
    for (std::size_t j = 1; j <= y.size(); ++j) {
      const std::size_t up = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (x[i - 1] == y[j - 1] ? 0 : 1)});
      diagonal = up;
      best = std::min(best, row[j]);
    }
    if (best > allowed) return "";
  }
  return row[y.size()] <= allowed ? "close" : "";
}

Aliases Aliases::parse(std::string_view text) {
  Aliases a;
  forEachLine(text, [&](std::string_view l, std::size_t line) {
    if (l.find_first_not_of(" \t\r") == std::string_view::npos || l.front() == '#') return;
    if (l.find('=') == std::string_view::npos)
      throw std::runtime_error("alias file line " + std::to_string(line) + ": expected Name = Other name");
    std::vector<std::string> names;
    std::size_t s = 0;
    while (s <= l.size()) {
      std::size_t e = l.find('=', s);
      if (e == std::string_view::npos) e = l.size();
      std::string_view part = l.substr(s, e - s);
      auto a1 = part.find_first_not_of(" \t\r"), b1 = part.find_last_not_of(" \t\r");
      if (a1 != std::string_view::npos) names.emplace_back(part.substr(a1, b1 - a1 + 1));
      s = e + 1;
    }
    if (names.size() < 2) throw std::runtime_error("alias file line " + std::to_string(line) + ": needs two names");
    const EmployerName first = parseEmployerName(names[0]);
    if (!first.named())
      throw std::runtime_error("alias file line " + std::to_string(line) + ": \"" + names[0] + "\" names no employer");
    a.display_[first.firm] = first.branch.empty() ? names[0] : withoutBrackets(names[0]);
    a.toKey_[first.firm + "|" + first.branch] = first;
    for (std::size_t i = 1; i < names.size(); ++i) {
      const std::string& n = names[i];
      const bool ends = n.size() > 1 && n.back() == '*', starts = n.size() > 1 && n.front() == '*';
      if (!ends && !starts) {
        const EmployerName other = parseEmployerName(n);
        if (!other.named())
          throw std::runtime_error("alias file line " + std::to_string(line) + ": \"" + n + "\" names no employer");
        a.toKey_[other.firm + "|" + other.branch] = first;
        continue;
      }
      const std::string core = n.substr(starts ? 1 : 0, n.size() - (starts ? 1 : 0) - (ends ? 1 : 0));
      // The pattern's text folded like a name, but its legal-form words kept:
      // "*有限公司*" is a pattern a centre may mean.
      const Folded f = fold(core);
      const std::string text = encode(f.outside);
      if (text.empty())
        throw std::runtime_error("alias file line " + std::to_string(line) + ": \"" + n + "\" matches every name");
      a.patterns_.push_back({text, {first.firm, ""}, !starts});
    }
  });
  return a;
}

EmployerName Aliases::resolve(const EmployerName& r) const {
  if (!r.named()) return r;
  // This very branch, then the firm whatever its branch, then the patterns.
  if (auto it = toKey_.find(r.firm + "|" + r.branch); it != toKey_.end()) return it->second;
  if (auto it = toKey_.find(r.firm + "|"); it != toKey_.end() && it->second.branch.empty())
    return {it->second.firm, r.branch};
  for (const auto& p : patterns_)
    if (p.prefix ? r.firm.compare(0, p.text.size(), p.text) == 0 : r.firm.find(p.text) != std::string::npos)
      return {p.key.firm, r.branch};
  return r;
}

std::string Aliases::display(const std::string& key, const std::string& fallback) const {
  auto it = display_.find(key);
  return it == display_.end() ? fallback : it->second;
}

const EmployerName& NameMemo::employer(const std::string& name) {
  auto it = employers_.find(name);
  if (it == employers_.end()) it = employers_.emplace(name, aliases_.resolve(parseEmployerName(name))).first;
  return it->second;
}

const std::string& NameMemo::province(const std::string& province) {
  auto it = provinces_.find(province);
  if (it == provinces_.end()) {
    std::string p = normaliseProvince(province);
    it = provinces_.emplace(province, p.empty() ? std::string("(not given)") : p).first;
  }
  return it->second;
}

}  // namespace gongyou::analyst
