#pragma once
#include <string>

#include "crypto/bytes.h"

namespace gongyou::test {
inline Bytes unhex(const std::string& h) {
  Bytes b;
  for (std::size_t i = 0; i + 1 < h.size(); i += 2) b.push_back(std::stoi(h.substr(i, 2), nullptr, 16));
  return b;
}
inline std::string hex(ByteView v) { return toHex(v); }
}  // namespace gongyou::test
