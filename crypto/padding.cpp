#include "crypto/padding.h"

#include <cstring>
#include <stdexcept>

#include "crypto/format.h"

namespace gongyou::padding {
namespace {

using format::kPadLengthPrefix;

int log2floor(std::uint64_t v) {
  int r = -1;
  while (v) {
    v >>= 1;
    ++r;
  }
  return r;
}

void putLength(std::uint8_t* p, std::uint64_t n) {
  for (int i = 7; i >= 0; --i, n >>= 8) p[i] = static_cast<std::uint8_t>(n);
}

std::uint64_t getLength(const std::uint8_t* p) {
  std::uint64_t n = 0;
  for (int i = 0; i < 8; ++i) n = (n << 8) | p[i];
  return n;
}

}  // namespace

std::uint64_t padme(std::uint64_t n) {
  if (n < 2) return n;
  int e = log2floor(n);
  int s = log2floor(static_cast<std::uint64_t>(e)) + 1;
  int lastBits = e - s;
  std::uint64_t mask = (std::uint64_t{1} << lastBits) - 1;
  return (n + mask) & ~mask;
}

std::uint64_t paddedSize(std::uint64_t contentLength) {
  std::uint64_t total = contentLength + kPadLengthPrefix;
  return total <= format::kPadTextBucket ? format::kPadTextBucket : padme(total);
}

SecretBytes pad(ByteView content) {
  SecretBytes out(paddedSize(content.size()));  // zero-filled
  putLength(out.data(), content.size());
  if (!content.empty()) std::memcpy(out.data() + kPadLengthPrefix, content.data(), content.size());
  return out;
}

std::optional<ByteView> unpad(ByteView padded) {
  if (padded.size() < kPadLengthPrefix) return std::nullopt;
  std::uint64_t len = getLength(padded.data());
  if (len > padded.size() - kPadLengthPrefix || paddedSize(len) != padded.size())
    return std::nullopt;
  ByteView tail = padded.sub(kPadLengthPrefix + len, padded.size() - kPadLengthPrefix - len);
  if (!tail.empty() && sodium_is_zero(tail.data(), tail.size()) != 1) return std::nullopt;
  return padded.sub(kPadLengthPrefix, len);
}

PadWriter::PadWriter(io::Sink& out, std::uint64_t contentLength)
    : out_(out), length_(contentLength) {
  std::uint8_t p[kPadLengthPrefix];
  putLength(p, contentLength);
  out_.write(ByteView(p, sizeof p));
}

void PadWriter::write(ByteView data) {
  if (data.size() > length_ - written_) throw std::logic_error("PadWriter: more than declared");
  written_ += data.size();
  out_.write(data);
}

void PadWriter::close() {
  if (written_ != length_) throw std::logic_error("PadWriter: less than declared");
  static const std::uint8_t zeros[4096] = {};
  std::uint64_t left = paddedSize(length_) - kPadLengthPrefix - length_;
  while (left) {
    std::size_t n = left < sizeof zeros ? left : sizeof zeros;
    out_.write(ByteView(zeros, n));
    left -= n;
  }
  out_.close();
}

void UnpadSink::write(ByteView data) {
  while (!data.empty()) {
    if (seen_ < kPadLengthPrefix) {
      std::size_t take = std::min<std::size_t>(data.size(), kPadLengthPrefix - seen_);
      std::memcpy(prefix_ + seen_, data.data(), take);
      seen_ += take;
      data = data.sub(take, data.size() - take);
      if (seen_ == kPadLengthPrefix) {
        length_ = getLength(prefix_);
        // No real payload is near 2^62 bytes; refusing it keeps the arithmetic exact.
        if (length_ > (std::uint64_t{1} << 62)) valid_ = false, length_ = 0;
      }
      continue;
    }
    std::uint64_t contentLeft = kPadLengthPrefix + length_ > seen_ ? kPadLengthPrefix + length_ - seen_ : 0;
    std::size_t take = static_cast<std::size_t>(std::min<std::uint64_t>(data.size(), contentLeft));
    if (take) out_.write(data.sub(0, take));
    ByteView rest = data.sub(take, data.size() - take);
    if (!rest.empty() && sodium_is_zero(rest.data(), rest.size()) != 1) valid_ = false;
    seen_ += data.size();
    data = {};
  }
}

void UnpadSink::close() {
  closed_ = true;
  if (seen_ < kPadLengthPrefix || length_ > seen_ - kPadLengthPrefix ||
      paddedSize(length_) != seen_)
    valid_ = false;
  out_.close();
}

}  // namespace gongyou::padding
