#include "analyst/names.h"

#include <unicode/normalizer2.h>
#include <unicode/unistr.h>

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

// Longest first, so "股份有限公司" goes before "有限公司" before "公司".
const std::vector<std::u32string>& suffixes() {
  static const std::vector<std::u32string> s = {
      U"股份有限公司", U"有限责任公司", U"有限公司", U"集团公司", U"公司", U"集团",
      U" co ltd", U" company limited", U" co limited", U" limited", U" ltd", U" incorporated", U" inc",
      U" corporation", U" corp", U" company", U" co", U" llc", U" group"};
  return s;
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

std::string normaliseName(std::string_view name) {
  std::u32string in = decode(nfkcCasefold(name)), folded;
  int depth = 0;
  for (char32_t c : in) {
    if (c >= 0xFF01 && c <= 0xFF5E) c -= 0xFEE0;  // full-width ASCII
    if (c == 0x3000) c = U' ';                   // ideographic space
    if (opens(c)) {
      ++depth;
      continue;
    }
    if (closes(c)) {
      if (depth > 0) --depth;
      continue;
    }
    if (depth > 0) continue;
    if (c >= U'A' && c <= U'Z') c += 32;
    if (isPunct(c)) c = U' ';
    if (c == U'\t' || c == U'\n' || c == U'\r') c = U' ';
    if (c == U' ' && (folded.empty() || folded.back() == U' ')) continue;
    folded += c;
  }
  while (!folded.empty() && folded.back() == U' ') folded.pop_back();
  for (bool again = true; again;) {
    again = false;
    for (const auto& s : suffixes())
      if (folded.size() > s.size() && folded.compare(folded.size() - s.size(), s.size(), s) == 0) {
        folded.erase(folded.size() - s.size());
        while (!folded.empty() && folded.back() == U' ') folded.pop_back();
        again = true;
        break;
      }
  }
  return encode(folded);
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
    const std::string first = normaliseName(names[0]);
    a.display_[first] = names[0];
    for (const auto& n : names) a.toKey_[normaliseName(n)] = first;
  });
  return a;
}

std::string Aliases::key(std::string_view name) const {
  std::string n = normaliseName(name);
  auto it = toKey_.find(n);
  return it == toKey_.end() ? n : it->second;
}

std::string Aliases::display(const std::string& key, const std::string& fallback) const {
  auto it = display_.find(key);
  return it == display_.end() ? fallback : it->second;
}

}  // namespace gongyou::analyst
