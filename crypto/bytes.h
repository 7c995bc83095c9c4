// Plain (non-secret) byte containers and a non-owning view.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

namespace gongyou {

using Bytes = std::vector<std::uint8_t>;

// Never null, even when empty: libsodium declares its pointer parameters nonnull.
inline constexpr std::uint8_t kNoBytes[1] = {0};

// Non-owning view of bytes; valid only while the viewed storage lives and is unchanged.
class ByteView {
 public:
  constexpr ByteView() = default;
  constexpr ByteView(const std::uint8_t* data, std::size_t size)
      : data_(data ? data : kNoBytes), size_(size) {}
  ByteView(const Bytes& b) : ByteView(b.data(), b.size()) {}  // NOLINT: implicit on purpose
  ByteView(std::string_view s)                                      // NOLINT
      : data_(reinterpret_cast<const std::uint8_t*>(s.data())), size_(s.size()) {}
  ByteView(const std::string& s) : ByteView(std::string_view(s)) {}  // NOLINT
  ByteView(const char* s) : ByteView(std::string_view(s)) {}  // NOLINT

  const std::uint8_t* data() const { return data_; }
  std::size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  const std::uint8_t* begin() const { return data_; }
  const std::uint8_t* end() const { return data_ + size_; }
  std::uint8_t operator[](std::size_t i) const { return data_[i]; }
  ByteView sub(std::size_t off, std::size_t n) const { return {data_ + off, n}; }
  std::string_view str() const { return {reinterpret_cast<const char*>(data_), size_}; }
  Bytes copy() const { return Bytes(begin(), end()); }
  // Not constant time: for keys and formats, never for secrets.
  bool startsWith(ByteView prefix) const {
    return size_ >= prefix.size_ && std::memcmp(data_, prefix.data_, prefix.size_) == 0;
  }

 private:
  const std::uint8_t* data_ = kNoBytes;
  std::size_t size_ = 0;
};

inline void append(Bytes& out, ByteView v) { out.insert(out.end(), v.begin(), v.end()); }

// Big-endian integers, as every gongyou format stores them (so keys sort by value).
template <typename T>
inline void appendBE(Bytes& out, T v) {
  for (int i = int(sizeof(T)) - 1; i >= 0; --i) out.push_back(static_cast<std::uint8_t>(v >> (8 * i)));
}
template <typename T>
inline T readBE(const std::uint8_t* p) {
  T v = 0;
  for (std::size_t i = 0; i < sizeof(T); ++i) v = static_cast<T>((v << 8) | p[i]);
  return v;
}
inline std::uint32_t readU32BE(const std::uint8_t* p) { return readBE<std::uint32_t>(p); }
// Overwrites sizeof(T) bytes at p (a length or an offset patched in place).
template <typename T>
inline void writeBE(std::uint8_t* p, T v) {
  for (std::size_t i = 0; i < sizeof(T); ++i) p[i] = static_cast<std::uint8_t>(v >> (8 * (sizeof(T) - 1 - i)));
}

// Calls fn(line, number) for each line of `text` (split at '\n', which is not
// part of the line; a '\r' before it is), numbered from 1 — the loop every
// line-oriented file of gongyou (keyring, catalogs, aliases, keys) is read with.
template <typename F>
void forEachLine(std::string_view text, F&& fn) {
  std::size_t start = 0, number = 0;
  while (start < text.size()) {
    std::size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    fn(text.substr(start, end - start), ++number);
    start = end + 1;
  }
}

// Lower-case hexadecimal, for names and references shown to people (never secrets).
inline std::string toHex(ByteView v) {
  static const char digits[] = "0123456789abcdef";
  std::string s;
  s.reserve(v.size() * 2);
  for (std::uint8_t b : v) s += digits[b >> 4], s += digits[b & 15];
  return s;
}

}  // namespace gongyou
