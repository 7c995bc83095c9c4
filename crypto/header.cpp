#include "crypto/header.h"

#include <algorithm>
#include <cstring>

#include "crypto/base64.h"
#include "crypto/format.h"

namespace gongyou::age {
namespace {

using format::kStanzaBytesPerLine;
using format::kStanzaColumns;

std::vector<std::string> split(const std::string& line) {
  std::vector<std::string> parts;
  std::size_t start = 0;
  for (;;) {
    auto sp = line.find(' ', start);
    parts.push_back(line.substr(start, sp - start));
    if (sp == std::string::npos) break;
    start = sp + 1;
  }
  return parts;
}

// Arguments are non-empty runs of printable ASCII without space (VCHAR).
bool validArg(const std::string& a) {
  return !a.empty() &&
         std::all_of(a.begin(), a.end(), [](char c) { return c >= 33 && c <= 126; });
}

}  // namespace

std::optional<Header> parseHeader(io::BufferedSource& in) {
  Header h;
  std::string line;
  auto take = [&](std::size_t max) -> bool {
    if (h.macInput.size() >= format::kMaxHeaderBytes) return false;
    return in.readLine(line, std::min(max, format::kMaxHeaderBytes - h.macInput.size())) ==
           io::BufferedSource::Line::Full;
  };

  if (!take(format::kMaxHeaderBytes) || line != std::string(format::kAgeIntro) + "\n")
    return std::nullopt;
  append(h.macInput, line);

  for (;;) {
    if (in.peek(3) == format::kMacPrefix) {
      if (!take(format::kMaxHeaderBytes)) return std::nullopt;
      auto parts = split(line.substr(0, line.size() - 1));
      if (parts.size() != 2 || parts[0] != format::kMacPrefix) return std::nullopt;
      auto mac = b64::decodeRaw(parts[1]);
      if (!mac || mac->size() != format::kMacSize) return std::nullopt;
      std::copy(mac->begin(), mac->end(), h.mac.begin());
      append(h.macInput, format::kMacPrefix);
      return h;
    }
    if (h.stanzas.size() == format::kMaxStanzas) return std::nullopt;
    if (!take(format::kMaxHeaderBytes)) return std::nullopt;
    append(h.macInput, line);
    auto parts = split(line.substr(0, line.size() - 1));
    if (parts.size() < 2 || parts[0] != format::kStanzaPrefix) return std::nullopt;
    if (!std::all_of(parts.begin() + 1, parts.end(), validArg)) return std::nullopt;
    Stanza s;
    s.type = parts[1];
    s.args.assign(parts.begin() + 2, parts.end());
    // Body: full 64-column lines, ended by exactly one shorter (possibly empty) line.
    for (;;) {
      if (!take(kStanzaColumns + 1)) return std::nullopt;
      append(h.macInput, line);
      auto bytes = b64::decodeRaw(std::string_view(line).substr(0, line.size() - 1));
      if (!bytes || bytes->size() > kStanzaBytesPerLine) return std::nullopt;
      append(s.body, *bytes);
      if (bytes->size() < kStanzaBytesPerLine) break;
    }
    h.stanzas.push_back(std::move(s));
  }
}

std::string headerMacInput(const std::vector<Stanza>& stanzas) {
  std::string out = std::string(format::kAgeIntro) + "\n";
  for (const auto& s : stanzas) {
    out += format::kStanzaPrefix;
    out += ' ';
    out += s.type;
    for (const auto& a : s.args) out += ' ' + a;
    out += '\n';
    std::string body = b64::encodeRaw(s.body);
    std::size_t i = 0;
    for (; body.size() - i >= kStanzaColumns; i += kStanzaColumns)
      out += body.substr(i, kStanzaColumns) + "\n";
    out += body.substr(i) + "\n";  // the short (maybe empty) line that ends the body
  }
  out += format::kMacPrefix;
  return out;
}

std::string headerMacLine(const crypto::Mac& mac) {
  return " " + b64::encodeRaw(ByteView(mac.data(), mac.size())) + "\n";
}

}  // namespace gongyou::age
