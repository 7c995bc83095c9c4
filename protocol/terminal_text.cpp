#include "protocol/terminal_text.h"

#include <cstdint>
#include <cstdio>

#include "protocol/utf8.h"

namespace gongyou::protocol {

std::string printable(std::string_view text, bool keepLineBreaks) {
  std::string out;
  out.reserve(text.size());
  char esc[16];
  for (std::size_t i = 0; i < text.size();) {
    std::uint32_t cp = 0;
    const std::size_t n = decodeUtf8(text.substr(i), cp);
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
