#include "protocol/terminal_text.h"

#include <cstdint>
#include <cstdio>

namespace gongyou::protocol {

namespace {

// Length of the UTF-8 sequence at `s` (1..4) and its code point; 0 if invalid.
std::size_t decode(std::string_view s, std::uint32_t& cp) {
  const auto c = static_cast<unsigned char>(s[0]);
  const std::size_t n = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 0;
  if (n == 0 || n > s.size()) return 0;
  cp = n == 1 ? c : n == 2 ? c & 0x1F : n == 3 ? c & 0x0F : c & 0x07;
  for (std::size_t k = 1; k < n; ++k) {
    const auto t = static_cast<unsigned char>(s[k]);
    if ((t >> 6) != 2) return 0;
    cp = (cp << 6) | (t & 0x3F);
  }
  static const std::uint32_t kMin[] = {0, 0, 0x80, 0x800, 0x10000};
  if (cp < kMin[n] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
  return n;
}

}  // namespace

std::string printable(std::string_view text, bool keepLineBreaks) {
  std::string out;
  out.reserve(text.size());
  char esc[16];
  for (std::size_t i = 0; i < text.size();) {
    std::uint32_t cp = 0;
    const std::size_t n = decode(text.substr(i), cp);
    if (n == 0) {
      std::snprintf(esc, sizeof esc, "\\x%02x", static_cast<unsigned char>(text[i]));
      out += esc;
      ++i;
      continue;
    }
    const bool control = cp < 0x20 || cp == 0x7F || (cp >= 0x80 && cp <= 0x9F);
    const bool bidi = (cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069);
    if ((control && !(keepLineBreaks && cp == '\n')) || bidi) {
      std::snprintf(esc, sizeof esc, cp < 0x80 ? "\\x%02x" : "\\u%04x", static_cast<unsigned>(cp));
      out += esc;
    } else {
      out.append(text.substr(i, n));
    }
    i += n;
  }
  return out;
}

bool hasControlCharacters(std::string_view text, bool allowLineBreaks) {
  for (std::size_t i = 0; i < text.size(); ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    if ((c < 0x20 && !(allowLineBreaks && c == '\n')) || c == 0x7F) return true;
    if (c == 0xC2 && i + 1 < text.size() && static_cast<unsigned char>(text[i + 1]) <= 0x9F) return true;
  }
  return false;
}

}  // namespace gongyou::protocol
