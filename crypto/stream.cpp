#include "crypto/stream.h"

#include <algorithm>
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

StreamWriter::StreamWriter(crypto::AeadKeyRef key, io::Sink& out)
    : mem_(format::kAeadKeySize + kChunkSize), out_(out), ct_(new std::uint8_t[kEncChunkSize]) {
  std::memcpy(mem_.data(), key.data(), format::kAeadKeySize);
}

void StreamWriter::write(ByteView data) {
  if (closed_) throw std::logic_error("StreamWriter used after close");
  while (!data.empty()) {
    // A full chunk is sealed as non-final only once more data proves it is not last.
    if (fill_ == kChunkSize) emit(false);
    std::size_t take = std::min(data.size(), kChunkSize - fill_);
    std::memcpy(buf() + fill_, data.data(), take);
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
  crypto::aeadSeal(key(), chunkNonce(counter_, last), ByteView(buf(), fill_), ct_.get());
  out_.write(ByteView(ct_.get(), fill_ + kTagSize));
  sodium_memzero(buf(), fill_);
  fill_ = 0;
  ++counter_;
}

StreamReader::StreamReader(crypto::AeadKeyRef key, io::Source& in, SecretBytes* workspace)
    : in_(in), ct_(new std::uint8_t[kEncChunkSize]) {
  if (workspace && workspace->size() >= format::kAeadKeySize + format::kChunkSize) ws_ = workspace;
  std::memcpy(pendingKey_.data(), key.data(), format::kAeadKeySize);
}

StreamReader::~StreamReader() {
  if (ws_ && used_) sodium_memzero(ws_->data(), used_);
}

Status StreamReader::next(ByteView& chunk, bool& done) {
  chunk = {};
  done = false;
  if (state_ != Status::Ok) return state_;
  if (pending_ != Status::Ok) return fail(pending_);
  if (done_) {
    done = true;
    return Status::Ok;
  }
  std::size_t n = in_.readFull(ct_.get(), kEncChunkSize);
  if (in_.failed()) return fail(Status::ArmorFailure);
  // A stream must end with a flagged chunk; running out of input first is truncation.
  if (n == 0) return fail(Status::PayloadFailure);
  bool last = n < kEncChunkSize;
  // The final chunk may be empty only when it is the only one (empty plaintext).
  if (last && n == kTagSize && counter_ != 0) return fail(Status::PayloadFailure);
  if (n < kTagSize) return fail(Status::PayloadFailure);
  if (ws_ && used_ == 0) {
    used_ = format::kAeadKeySize + std::max<std::size_t>(n - kTagSize, 1);
    std::memcpy(ws_->data(), pendingKey_.data(), format::kAeadKeySize);
    sodium_memzero(pendingKey_.data(), pendingKey_.size());
  } else if (!ws_ && mem_.empty()) {
    // Only a file's first chunk can be shorter than the rest, so it sizes the buffer.
    mem_ = SecretBytes(format::kAeadKeySize + std::max<std::size_t>(n - kTagSize, 1));
    std::memcpy(mem_.data(), pendingKey_.data(), format::kAeadKeySize);
    sodium_memzero(pendingKey_.data(), pendingKey_.size());
  }
  ByteView ct(ct_.get(), n);
  bool ok = crypto::aeadOpen(key(), chunkNonce(counter_, last), ct, pt());
  if (!ok && !last) {
    // A full-size chunk can still be the final one.
    last = true;
    ok = crypto::aeadOpen(key(), chunkNonce(counter_, true), ct, pt());
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
  chunk = ByteView(pt(), n - kTagSize);
  done = done_ && pending_ == Status::Ok;
  return Status::Ok;
}

}  // namespace gongyou::age
