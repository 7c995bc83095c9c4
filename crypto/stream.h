// age's STREAM payload: ChaCha20-Poly1305 over 64 KiB chunks, nonce = 11-byte
// big-endian chunk counter || last-chunk flag. The flag authenticates the end of
// the file, so truncation at a chunk boundary is detected, not mistaken for EOF.
#pragma once

#include "crypto/io.h"
#include "crypto/primitives.h"
#include "crypto/result.h"

namespace gongyou::age {

// Encrypting sink: buffers one chunk of plaintext (in guarded memory) and writes
// ciphertext to `out`. close() writes the final chunk and closes `out`. `out` must
// outlive the writer. Writing after close() throws std::logic_error (a bug).
class StreamWriter final : public io::Sink {
 public:
  StreamWriter(crypto::AeadKey key, io::Sink& out);
  void write(ByteView data) override;
  void close() override;

 private:
  void emit(bool last);
  crypto::AeadKey key_;
  io::Sink& out_;
  SecretBytes buf_;
  std::size_t fill_ = 0;
  std::uint64_t counter_ = 0;
  Bytes ct_;
  bool closed_ = false;
};

// Decrypting reader. Each next() authenticates one chunk before exposing it.
class StreamReader {
 public:
  StreamReader(crypto::AeadKey key, io::Source& in);

  // Ok with `chunk` = the next authenticated plaintext (view valid until the next
  // call), `done` set after the final chunk. PayloadFailure on a bad tag, a
  // truncated stream, an empty final chunk or trailing data; ArmorFailure if the
  // source itself was malformed. Once a failure is returned it is returned forever.
  Status next(ByteView& chunk, bool& done);

 private:
  Status fail(Status s) { return state_ = s; }
  crypto::AeadKey key_;
  io::Source& in_;
  SecretBytes pt_;
  Bytes ct_;
  std::uint64_t counter_ = 0;
  Status state_ = Status::Ok;
  Status pending_ = Status::Ok;  // failure to report after releasing a valid chunk
  bool done_ = false;
};

}  // namespace gongyou::age
