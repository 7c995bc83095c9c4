// Length-hiding padding, applied to the plaintext before age encryption so that
// the relay and the network learn (almost) nothing from an envelope's size.
//
// Padded form:  u64 big-endian content length || content || zero bytes
// Padded size:  max(kPadTextBucket, PADMÉ(content length + 8))
//
// * Every report whose content (plus the 8-byte prefix) fits in 16 KiB pads to
//   exactly 16 KiB: all text-only reports look the same.
// * Larger payloads (attachments) use PADMÉ (Nikitin et al., "Reducing Metadata
//   Leakage from Encrypted Files and Communication with PURBs", PETS 2019): the
//   size is rounded up so only O(log log n) bits of it remain, overhead ≤ 12 %.
//
// Unpadding rule (unambiguous, because the length is explicit, never inferred from
// the content): read the prefix L; the padded text must be exactly
// paddedSize(L) bytes long and every byte after the content must be zero.
// Anything else is Malformed.
#pragma once

#include <cstdint>
#include <optional>

#include "crypto/io.h"
#include "crypto/secret.h"

namespace gongyou::padding {

std::uint64_t padme(std::uint64_t n);
std::uint64_t paddedSize(std::uint64_t contentLength);

// Whole-buffer forms for small messages. unpad's view points into `padded`.
SecretBytes pad(ByteView content);
std::optional<ByteView> unpad(ByteView padded);

// Streaming pad: declare the content length up front (a file's size), write exactly
// that many bytes, close(). Throws std::logic_error if the count does not match
// (a caller bug: padding to the wrong size would leak or corrupt).
class PadWriter final : public io::Sink {
 public:
  PadWriter(io::Sink& out, std::uint64_t contentLength);
  void write(ByteView data) override;
  void close() override;

 private:
  io::Sink& out_;
  std::uint64_t length_;
  std::uint64_t written_ = 0;
};

// Streaming unpad: forwards content to `out`, checks the rule at close(). The
// forwarded bytes are already authenticated (they came out of age); valid() false
// means the sender padded wrongly and the caller must discard what it received.
class UnpadSink final : public io::Sink {
 public:
  explicit UnpadSink(io::Sink& out) : out_(out) {}
  void write(ByteView data) override;
  void close() override;
  bool valid() const { return closed_ && valid_; }

 private:
  io::Sink& out_;
  std::uint8_t prefix_[8] = {};
  std::uint64_t seen_ = 0;    // total padded bytes seen
  std::uint64_t length_ = 0;  // content length from the prefix
  bool valid_ = true;
  bool closed_ = false;
};

}  // namespace gongyou::padding
