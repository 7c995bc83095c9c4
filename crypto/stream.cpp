#include "crypto/stream.h"

#include <cstring>
#include <stdexcept>

namespace gongyou::age {
namespace {

using format::kChunkSize;
using format::kEncChunkSize;
using format::kTagSize;

crypto::AeadNonce chunkNonce(std::uint64_t counter, bool last) {
  crypto::AeadNonce n{};
  // Bytes 0..10 are the big-endian counter; 2^64 chunks of 64 KiB cannot be reached,
  // so the top three counter bytes stay zero.
  for (int i = 0; i < 8; ++i) n[10 - i] = static_cast<std::uint8_t>(counter >> (8 * i));
  n[11] = last ? format::kLastChunkFlag : 0;
  return n;
}

}  // namespace

StreamWriter::StreamWriter(crypto::AeadKey key, io::Sink& out)
    : key_(std::move(key)), out_(out), buf_(kChunkSize), ct_(kEncChunkSize) {}

void StreamWriter::write(ByteView data) {
  if (closed_) throw std::logic_error("StreamWriter used after close");
  while (!data.empty()) {
    // A full chunk is sealed as non-final only once more data proves it is not last.
    if (fill_ == kChunkSize) emit(false);
    std::size_t take = std::min(data.size(), kChunkSize - fill_);
    std::memcpy(buf_.data() + fill_, data.data(), take);
    fill_ += take;
    data = data.sub(take, data.size() - take);
  }
}

void StreamWriter::close() {
  if (closed_) return;
  emit(true);
  closed_ = true;
  out_.close();
}

void StreamWriter::emit(bool last) {
  crypto::aeadSeal(key_, chunkNonce(counter_, last), ByteView(buf_.data(), fill_), ct_.data());
  out_.write(ByteView(ct_.data(), fill_ + kTagSize));
  sodium_memzero(buf_.data(), fill_);
  fill_ = 0;
  ++counter_;
}

StreamReader::StreamReader(crypto::AeadKey key, io::Source& in)
    : key_(std::move(key)), in_(in), pt_(kChunkSize), ct_(kEncChunkSize) {}

Status StreamReader::next(ByteView& chunk, bool& done) {
  chunk = {};
  done = false;
  if (state_ != Status::Ok) return state_;
  if (pending_ != Status::Ok) return fail(pending_);
  if (done_) {
    done = true;
    return Status::Ok;
  }
  std::size_t n = in_.readFull(ct_.data(), kEncChunkSize);
  if (in_.failed()) return fail(Status::ArmorFailure);
  // A stream must end with a flagged chunk; running out of input first is truncation.
  if (n == 0) return fail(Status::PayloadFailure);
  bool last = n < kEncChunkSize;
  // The final chunk may be empty only when it is the only one (empty plaintext).
  if (last && n == kTagSize && counter_ != 0) return fail(Status::PayloadFailure);
  if (n < kTagSize) return fail(Status::PayloadFailure);
  ByteView ct(ct_.data(), n);
  bool ok = crypto::aeadOpen(key_, chunkNonce(counter_, last), ct, pt_.data());
  if (!ok && !last) {
    // A full-size chunk can still be the final one.
    last = true;
    ok = crypto::aeadOpen(key_, chunkNonce(counter_, true), ct, pt_.data());
  }
  if (!ok) return fail(Status::PayloadFailure);
  ++counter_;
  if (last) {
    done_ = true;
    std::uint8_t extra;
    if (in_.read(&extra, 1) != 0) {
      pending_ = Status::PayloadFailure;  // trailing data after the final chunk
    } else if (in_.failed()) {
      pending_ = Status::ArmorFailure;
    }
  }
  chunk = ByteView(pt_.data(), n - kTagSize);
  done = done_ && pending_ == Status::Ok;
  return Status::Ok;
}

}  // namespace gongyou::age
