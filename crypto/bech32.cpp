#include "crypto/bech32.h"

#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <sodium.h>

namespace gongyou::bech32 {
namespace {

// The text may be a secret key (AGE-SECRET-KEY-1…): every buffer that holds
// any form of it is wiped when freed — also the ones a growing vector leaves
// behind, which no wipe at the end of a function can reach.
template <typename T>
struct Wiping : std::allocator<T> {
  template <typename U>
  struct rebind {
    using other = Wiping<U>;
  };
  Wiping() = default;
  template <typename U>
  Wiping(const Wiping<U>&) noexcept {}
  void deallocate(T* p, std::size_t n) {
    sodium_memzero(p, n * sizeof(T));
    std::allocator<T>::deallocate(p, n);
  }
};
using Values = std::vector<std::uint8_t, Wiping<std::uint8_t>>;
using Text = std::basic_string<char, std::char_traits<char>, Wiping<char>>;

constexpr char kCharset[] = "qpzry9x8gf2tvdw0s3jn54khce6mua7l";

std::uint32_t polymod(const Values& values) {
  constexpr std::array<std::uint32_t, 5> gen = {0x3b6a57b2, 0x26508e6d, 0x1ea119fa, 0x3d4233dd,
                                                0x2a1462b3};
  std::uint32_t chk = 1;
  for (auto v : values) {
    std::uint32_t top = chk >> 25;
    chk = ((chk & 0x1ffffff) << 5) ^ v;
    for (int i = 0; i < 5; ++i)
      if ((top >> i) & 1) chk ^= gen[i];
  }
  return chk;
}

Values hrpExpand(std::string_view hrp) {
  Values r;
  for (char c : hrp) r.push_back(static_cast<std::uint8_t>(c) >> 5);
  r.push_back(0);
  for (char c : hrp) r.push_back(static_cast<std::uint8_t>(c) & 31);
  return r;
}

// Regroups bits; with pad=false, leftover bits must be fewer than `from` and zero.
std::optional<Values> convertBits(const std::uint8_t* in, std::size_t n, int from, int to, bool pad) {
  std::uint32_t acc = 0;
  int bits = 0;
  Values out;
  const std::uint32_t maxv = (1u << to) - 1;
  for (std::size_t i = 0; i < n; ++i) {
    if ((in[i] >> from) != 0) return std::nullopt;
    acc = (acc << from) | in[i];
    bits += from;
    while (bits >= to) {
      bits -= to;
      out.push_back(static_cast<std::uint8_t>((acc >> bits) & maxv));
    }
  }
  if (pad) {
    if (bits > 0) out.push_back(static_cast<std::uint8_t>((acc << (to - bits)) & maxv));
  } else if (bits >= from || ((acc << (to - bits)) & maxv) != 0) {
    return std::nullopt;
  }
  return out;
}


}  // namespace

std::string encode(std::string_view hrp, ByteView data) {
  auto values = *convertBits(data.data(), data.size(), 8, 5, true);
  auto chkInput = hrpExpand(hrp);
  chkInput.insert(chkInput.end(), values.begin(), values.end());
  chkInput.insert(chkInput.end(), 6, 0);
  std::uint32_t mod = polymod(chkInput) ^ 1;
  std::string out;
  out.reserve(hrp.size() + 1 + values.size() + 6);  // one buffer: growing would leave copies behind
  out += hrp;
  out += '1';
  for (auto v : values) out += kCharset[v];
  for (int i = 0; i < 6; ++i) out += kCharset[(mod >> (5 * (5 - i))) & 31];
  return out;
}

namespace {

// Also the copies on the stack (a short string lives inside its object), on
// every exit path, including the early refusals of a mistyped key.
struct WipeOnExit {
  Text& s;
  ~WipeOnExit() { sodium_memzero(s.data(), s.size()); }
};

}  // namespace

std::optional<Decoded> decode(std::string_view text) {
  bool lower = false, upper = false;
  for (char c : text) {
    if (c < 33 || c > 126) return std::nullopt;
    if (c >= 'a' && c <= 'z') lower = true;
    if (c >= 'A' && c <= 'Z') upper = true;
  }
  if (lower && upper) return std::nullopt;
  Text s(text);
  Values values, chkInput;
  values.reserve(s.size());
  WipeOnExit wipe{s};
  for (char& c : s)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  auto pos = s.rfind('1');
  if (pos == Text::npos || pos < 1 || pos + 7 > s.size()) return std::nullopt;
  std::string hrp(s.data(), pos);
  for (std::size_t i = pos + 1; i < s.size(); ++i) {
    const char* p = nullptr;
    for (const char* q = kCharset; *q; ++q)
      if (*q == s[i]) p = q;
    if (p == nullptr) return std::nullopt;
    values.push_back(static_cast<std::uint8_t>(p - kCharset));
  }
  chkInput = hrpExpand(hrp);
  chkInput.insert(chkInput.end(), values.begin(), values.end());
  if (polymod(chkInput) != 1) return std::nullopt;
  auto data = convertBits(values.data(), values.size() - 6, 5, 8, false);
  if (!data) return std::nullopt;
  return Decoded{std::move(hrp), Bytes(data->begin(), data->end())};  // exactly sized: the caller wipes it
}

}  // namespace gongyou::bech32
