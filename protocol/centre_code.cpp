#include "protocol/centre_code.h"

#include <cctype>
#include <cstring>
#include <stdexcept>

#include "crypto/bech32.h"
#include "protocol/bundle.h"
#include "protocol/limits.h"
#include "protocol/relay_endpoint.h"

namespace gongyou::protocol {
namespace {

constexpr char kHrp[] = "gongyou";
constexpr std::uint8_t kVersion = 1;

void putField(Bytes& out, const std::string& s) {
  if (s.empty() || s.size() > 255) throw std::invalid_argument("centre code field must be 1..255 bytes");
  out.push_back(static_cast<std::uint8_t>(s.size()));
  append(out, s);
}

}  // namespace

std::string encodeCentreCode(const CentreCode& code) {
  if (!validCentreId(code.centreId)) throw std::invalid_argument("centre id must be 1..64 of [a-z0-9-]");
  if (code.relays.empty() || code.relays.size() > kMaxRelays)
    throw std::invalid_argument("a centre code needs 1..16 relays");
  Bytes p{kVersion};
  p.insert(p.end(), code.identity.begin(), code.identity.end());
  putField(p, code.centreId);
  p.push_back(static_cast<std::uint8_t>(code.relays.size()));
  for (const auto& r : code.relays) {
    if (!validRelayAddress(r)) throw std::invalid_argument("relay must be HOST:PORT or wss://HOST/PATH: " + r);
    putField(p, r);
  }
  std::string s = bech32::encode(kHrp, p);
  for (char& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

std::string groupCentreCode(const std::string& code) {
  std::string out;
  for (std::size_t i = 0; i < code.size(); ++i) {
    if (i > 0 && i % 5 == 0) out += ' ';
    out += code[i];
  }
  return out;
}

std::string normalizeCentreCode(std::string_view text) {
  std::string compact;
  for (char c : text)
    if (c != ' ' && c != '-' && c != '\n' && c != '\r' && c != '\t')
      compact += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  // Characters people confuse, where only one of them can be meant: the HRP is
  // letters ("GONGYOU"), then the separator "1", and the data part's alphabet
  // (Bech32) has 0 and L but no O, I or 1.
  const std::string hrp = "GONGYOU";
  for (std::size_t i = 0; i < compact.size() && i < hrp.size(); ++i)
    if (compact[i] == '0' && hrp[i] == 'O') compact[i] = 'O';
  if (compact.size() > hrp.size() && (compact[hrp.size()] == 'I' || compact[hrp.size()] == 'L'))
    compact[hrp.size()] = '1';
  for (std::size_t i = hrp.size() + 1; i < compact.size(); ++i) {
    char& c = compact[i];
    if (c == 'O') c = '0';
    else if (c == 'I' || c == '1') c = 'L';
  }
  return compact;
}

std::optional<std::size_t> centreCodeTypoGroup(std::string_view text) {
  std::string code = normalizeCentreCode(text);
  const std::string hrp = "GONGYOU1";
  if (code.rfind(hrp, 0) != 0 || decodeCentreCode(code)) return std::nullopt;
  static const char kAlphabet[] = "QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L";
  std::optional<std::size_t> found;
  for (std::size_t i = hrp.size(); i < code.size(); ++i) {
    const char was = code[i];
    for (const char* c = kAlphabet; *c; ++c) {
      if (*c == was) continue;
      code[i] = *c;
      // One changed character gives a valid code at one place only (Bech32's
      // distance): that place is the typo.
      if (bech32::decode(code)) found = i;
    }
    code[i] = was;
    if (found) return *found / 5 + 1;
  }
  return std::nullopt;
}

std::optional<CentreCode> decodeCentreCode(std::string_view text) {
  std::string compact = normalizeCentreCode(text);
  auto d = bech32::decode(compact);
  if (!d || d->hrp != kHrp) return std::nullopt;
  const Bytes& p = d->data;
  std::size_t at = 0;
  auto take = [&](std::size_t n) -> const std::uint8_t* {
    if (p.size() - at < n) return nullptr;
    const std::uint8_t* r = p.data() + at;
    at += n;
    return r;
  };
  auto field = [&](std::string& out) {
    const std::uint8_t* len = take(1);
    if (!len || *len == 0) return false;
    const std::uint8_t* s = take(*len);
    if (!s) return false;
    out.assign(reinterpret_cast<const char*>(s), *len);
    return true;
  };
  const std::uint8_t* version = take(1);
  if (!version || *version != kVersion) return std::nullopt;
  CentreCode c;
  const std::uint8_t* id = take(c.identity.size());
  if (!id) return std::nullopt;
  std::memcpy(c.identity.data(), id, c.identity.size());
  if (!field(c.centreId) || !validCentreId(c.centreId)) return std::nullopt;
  const std::uint8_t* count = take(1);
  if (!count || *count == 0 || *count > kMaxRelays) return std::nullopt;
  for (unsigned i = 0; i < *count; ++i) {
    std::string r;
    if (!field(r) || !validRelayAddress(r)) return std::nullopt;
    c.relays.push_back(std::move(r));
  }
  if (at != p.size()) return std::nullopt;
  return c;
}

}  // namespace gongyou::protocol
