// age's STREAM payload: ChaCha20-Poly1305 over 64 KiB chunks, nonce = 11-byte
// big-endian chunk counter || last-chunk flag. The flag authenticates the end of
// the file, so truncation at a chunk boundary is detected, not mistaken for EOF.
#pragma once

#include <memory>

#include "crypto/io.h"
#include "crypto/primitives.h"
#include "crypto/result.h"

namespace gongyou::age {

// Both sides keep the payload key and one chunk of plaintext together in a single
// guarded allocation (one sodium_malloc per file, not one per value).

// Encrypting sink: buffers one chunk of plaintext (in guarded memory) and writes
// ciphertext to `out`. close() writes the final chunk and closes `out`. `out` must
// outlive the writer. Writing after close() throws std::logic_error (a bug).
class StreamWriter final : public io::Sink {
 public:
  StreamWriter(crypto::AeadKeyRef key, io::Sink& out);  // copies the key
  void write(ByteView data) override;
  void close() override;

 private:
  void emit(bool last);
  crypto::AeadKeyRef key() const { return crypto::AeadKeyRef::at(mem_.data()); }
  std::uint8_t* buf() { return mem_.data() + format::kAeadKeySize; }
  SecretBytes mem_;  // key || plaintext chunk
  io::Sink& out_;
  std::size_t fill_ = 0;
  std::uint64_t counter_ = 0;
  std::unique_ptr<std::uint8_t[]> ct_;
  bool closed_ = false;
};

// Decrypting reader. Each next() authenticates one chunk before exposing it.
class StreamReader {
 public:
  // Copies the key. With a `workspace` (guarded memory the caller reuses across
  // many files, at least key + one chunk long) no allocation is made per file:
  // a sodium_malloc costs ~10 system calls under the process's memory lock,
  // which is what limits decrypting thousands of small files on several threads.
  // The part of the workspace used is wiped when the reader is destroyed.
  StreamReader(crypto::AeadKeyRef key, io::Source& in, SecretBytes* workspace = nullptr);
  ~StreamReader();
  StreamReader(const StreamReader&) = delete;
  StreamReader& operator=(const StreamReader&) = delete;

  // Ok with `chunk` = the next authenticated plaintext (view valid until the next
  // call), `done` set after the final chunk. PayloadFailure on a bad tag, a
  // truncated stream, an empty final chunk or trailing data; ArmorFailure if the
  // source itself was malformed. Once a failure is returned it is returned forever.
  Status next(ByteView& chunk, bool& done);

 private:
  Status fail(Status s) { return state_ = s; }
  std::uint8_t* mem() { return ws_ ? ws_->data() : mem_.data(); }
  crypto::AeadKeyRef key() { return crypto::AeadKeyRef::at(mem()); }
  std::uint8_t* pt() { return mem() + format::kAeadKeySize; }
  // The guarded buffer is sized when the first chunk's length is known (a 16 KiB
  // report needs 16 KiB, not 64: mlock and mprotect cost per page). Until then the
  // key waits in `pendingKey_`, a few microseconds at most in normal use.
  Wiped<format::kAeadKeySize> pendingKey_;
  SecretBytes mem_;  // key || plaintext chunk
  SecretBytes* ws_ = nullptr;  // the caller's instead of mem_
  std::size_t used_ = 0;       // bytes of ws_ to wipe
  io::Source& in_;
  std::unique_ptr<std::uint8_t[]> ct_;  // ciphertext: not secret, not zero-filled
  std::uint64_t counter_ = 0;
  Status state_ = Status::Ok;
  Status pending_ = Status::Ok;  // failure to report after releasing a valid chunk
  bool done_ = false;
};

}  // namespace gongyou::age
