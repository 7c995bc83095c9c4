// Strict UTF-8 (RFC 3629), written once for every check and display of text from
// outside: no overlong forms, no surrogates, nothing above U+10FFFF.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace gongyou::protocol {

// Length (1..4) of the UTF-8 sequence that starts `s`, with its code point in
// `cp`; 0 when it is not valid UTF-8 (or `s` is empty).
inline std::size_t decodeUtf8(std::string_view s, std::uint32_t& cp) {
  if (s.empty()) return 0;
  const auto c = static_cast<unsigned char>(s[0]);
  const std::size_t n = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 0;
  if (n == 0 || n > s.size()) return 0;
  cp = n == 1 ? c : n == 2 ? c & 0x1F : n == 3 ? c & 0x0F : c & 0x07;
  for (std::size_t k = 1; k < n; ++k) {
    const auto t = static_cast<unsigned char>(s[k]);
    if ((t >> 6) != 2) return 0;
    cp = (cp << 6) | (t & 0x3F);
  }
  static constexpr std::uint32_t kMin[] = {0, 0, 0x80, 0x800, 0x10000};
  if (cp < kMin[n] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
  return n;
}

inline bool validUtf8(std::string_view s) {
  for (std::size_t i = 0; i < s.size();) {
    std::uint32_t cp = 0;
    const std::size_t n = decodeUtf8(s.substr(i), cp);
    if (n == 0) return false;
    i += n;
  }
  return true;
}

}  // namespace gongyou::protocol
